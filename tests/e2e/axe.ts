import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect } from "./fixtures.js";

/** Every WCAG 2.x A and AA rule axe knows, up to 2.2. */
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

export async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  // Contrast was really measured, not skipped.
  expect(results.passes.map((r) => r.id)).toContain("color-contrast");
  const readable = results.violations.map((v) =>
    [
      `${v.id} (${v.impact ?? "?"}): ${v.help}`,
      `  ${v.helpUrl}`,
      ...v.nodes.map((n) => `  at ${n.target.join(" ")}\n    ${(n.failureSummary ?? "").replace(/\n/g, "\n    ")}`),
    ].join("\n"),
  );
  const report = `axe found ${readable.length} violation(s) on ${page.url()}:\n\n${readable.join("\n\n")}\n`;
  expect(readable.length, report).toBe(0);
}
