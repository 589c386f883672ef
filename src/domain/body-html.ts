import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { messages } from "../db/schema.js";
import { renderBody } from "../formatting/markdown.js";
import type { Message } from "./sql/messages.js";

/**
 * Messages written before formatting (issue 15) have no stored HTML. Each gets its own the first
 * time a page of history shows it: rendered here, used by that page, and stored for every page and
 * push after, in one statement (once per message, so the page waits for it; should it fail, the
 * page is still shown and the next one to show the message tries again). An edit stores the HTML
 * with the text and a deletion removes the text, so a row that has either since is left as it is.
 */
export async function storeMissingBodyHtml(db: Db, shown: Message[]): Promise<void> {
  const missing = shown.filter((m) => m.bodyHtml === null && m.deletedAt === null);
  if (missing.length === 0) return;
  for (const m of missing) m.bodyHtml = renderBody(m.body);
  const ids = missing.map((m) => m.id);
  const html = missing.map((m) => m.bodyHtml);
  await db
    .execute(
      sql`update ${messages} m set body_html = v.html
      from unnest(${sql.param(ids)}::bigint[], ${sql.param(html)}::text[]) as v(id, html)
      where m.id = v.id and m.body_html is null and m.deleted_at is null`,
    )
    .catch(() => {});
}
