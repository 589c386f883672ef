// Lint: ESLint's and typescript-eslint's recommended rules, type-aware (types come from the tsconfigs),
// with Prettier's config last so that no rule argues with the formatter.
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import { defineConfig, globalIgnores } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig(
  globalIgnores(["dist/", "data/", "drizzle/", "public/app.css", "test-results/", "playwright-report/"]),
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: {
        // Files outside every tsconfig (this one, the e2e runner) get the default compiler options.
        projectService: { allowDefaultProject: ["*.js", "tests/e2e/*.mjs"] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // node:test's test() and describe() return promises that the runner itself waits for.
      "@typescript-eslint/no-floating-promises": [
        "error",
        { allowForKnownSafeCalls: [{ from: "package", package: "node:test", name: ["test", "it", "describe", "suite"] }] },
      ],
      // `const { secret: _, ...rest } = row` leaves a field out; Express knows error handlers by their four parameters.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", ignoreRestSiblings: true }],
      // Passing on the error a callback was handed is not inventing a non-Error reason.
      "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingAny: true, allowThrowingUnknown: true }],
    },
  },
  {
    // The unit and integration tests share processes (tests/support/shard.ts): a hook outside a
    // describe() would run around the tests of every file imported after its own.
    files: ["tests/unit/**/*.ts", "tests/integration/**/*.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "Program > ExpressionStatement > CallExpression[callee.name=/^(before|after|beforeEach|afterEach)$/]",
          message:
            "Call test hooks inside a describe(): the test files share a process, and a top-level hook would run for the files after this one.",
        },
      ],
    },
  },
  {
    // The browser's scripts: JavaScript without a build step, type-checked (checkJs) by tsconfig.public.json.
    files: ["public/**/*.js", "public/**/*.d.ts"],
    languageOptions: {
      globals: { ...globals.browser, htmx: "readonly" },
      // projectService finds only files named tsconfig.json, so this program is named directly.
      parserOptions: { projectService: false, project: "./tsconfig.public.json", tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // In JavaScript, `any` is what the DOM's and htmx's untyped values are (event.detail, JSON); tsc's
      // checkJs is the type check there. The promise and other type-aware rules stay on.
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  prettier,
);
