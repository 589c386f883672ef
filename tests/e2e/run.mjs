// Runs the end-to-end suite with a Chromium that is already on this machine; never downloads one.
//
//   PLAYWRIGHT_CHROMIUM_PATH  the browser to use (default /usr/bin/chromium)
//   REQUIRE_E2E=1             fail instead of skipping when there is no browser (set this in CI)
//
// Extra arguments are passed to `playwright test`, e.g. `npm run test:e2e -- --grep keyboard`.
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const chromium = process.env.PLAYWRIGHT_CHROMIUM_PATH || "/usr/bin/chromium";

/** @param {string} file */
function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

if (!executable(chromium)) {
  const required = process.env.REQUIRE_E2E === "1";
  const bar = "=".repeat(78);
  const lines = required
    ? [
        `ERROR: END-TO-END TESTS CANNOT RUN: no Chromium at ${chromium}`,
        "REQUIRE_E2E=1 is set, so a missing browser is a failure.",
        "Install Debian's chromium (apt-get install chromium) or set PLAYWRIGHT_CHROMIUM_PATH.",
      ]
    : [
        `END-TO-END TESTS SKIPPED: no Chromium at ${chromium};`,
        "install Debian's chromium or set PLAYWRIGHT_CHROMIUM_PATH.",
        "Nothing in the browser was tested. Set REQUIRE_E2E=1 to make this a failure.",
      ];
  const out = required ? console.error : console.warn;
  out(["", bar, ...lines.map((l) => `!!! ${l}`), bar, ""].join("\n"));
  process.exit(required ? 1 : 0);
}

const child = spawn("npx", ["playwright", "test", ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
  env: {
    ...process.env,
    PLAYWRIGHT_CHROMIUM_PATH: chromium,
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1",
  },
});

// Ctrl+C reaches Playwright directly (same process group); wait for it to clean up and report.
process.on("SIGINT", () => {});
process.on("SIGTERM", () => child.kill("SIGTERM"));

child.on("error", (err) => {
  console.error(`Could not start Playwright: ${err.message}`);
  process.exit(1);
});

child.on("exit", (code, signal) => {
  if (signal) {
    console.error(`Playwright was stopped by ${signal}`);
    process.exit(1);
  }
  process.exit(code ?? 1);
});
