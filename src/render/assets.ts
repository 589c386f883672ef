import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { contract } from "./dom.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(import.meta.url);

/** Every file under `dir`, by its path from there ("js/composer.js"). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"));
}

/** The static files a page links to, by their name under the versioned prefix. */
const files = new Map<string, string>([
  ...filesUnder(path.join(root, "public"))
    .filter((name) => !name.endsWith(".d.ts"))
    .map((name): [string, string] => [name, path.join(root, "public", name)]),
  ["vendor/htmx.min.js", require.resolve("htmx.org/dist/htmx.min.js")],
  ["vendor/htmx-ext-ws.js", require.resolve("htmx-ext-ws/dist/ws.min.js")],
]);

/** Served beside the files, made by the server (src/render/dom-module.ts). */
export const DOM_MODULE = "js/dom.js";

/**
 * One version for all of them: a hash of every file, of the templates and of the DOM contract
 * (which the generated module is made of). Pages name the files under /assets/<version>/, so a URL
 * always means the same bytes and browsers may keep them a year without asking again; the page's
 * modules import each other by relative paths, which stay under the same version. Read once at
 * start-up: `npm run dev` restarts when public/ or views/ change.
 */
export const assetVersion = (() => {
  const hash = createHash("sha256");
  for (const [name, file] of [...files].sort(([a], [b]) => a.localeCompare(b))) hash.update(name).update(readFileSync(file));
  const views = path.join(root, "views");
  for (const name of filesUnder(views).sort()) hash.update(name).update(readFileSync(path.join(views, name)));
  hash.update(JSON.stringify(contract));
  return hash.digest("hex").slice(0, 12);
})();

/** A static file's URL under the current version; a name that is not one of them is a bug. */
export function asset(name: string): string {
  if (!files.has(name) && name !== DOM_MODULE) throw new Error(`no static file named ${name}`);
  return `/assets/${assetVersion}/${name}`;
}

/** Where a static file is on disk, by its name (undefined for what is not one, the DOM module included). */
export function assetFile(name: string): string | undefined {
  return files.get(name);
}
