import type { Config } from "tailwindcss";

export default {
  content: ["./views/**/*.eta", "./public/app.js", "./src/render/**/*.ts"],
  darkMode: "media",
  theme: { extend: {} },
} satisfies Config;
