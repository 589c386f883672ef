import path from "node:path";
import { fileURLToPath } from "node:url";
import { Eta } from "eta";
import { asset } from "./assets.js";
import { dom } from "./dom.js";

const viewsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../views");

/**
 * Eta with the DOM contract and the static files at hand: every template (and every include) reads
 * them as `dom` and `asset` (a static file's versioned URL, src/render/assets.ts).
 */
class Views extends Eta {
  readonly dom = dom;
  readonly asset = asset;
}

// Eta 4 hands an include its parent's data as well as its own (`{...it, ...data}`): each of a room
// page's messages, and each of their parts, would copy the whole page's view again, level upon
// level (about half of the page's CPU), and a partial could read what it was never given. Here an
// include sees what it is passed, and nothing else.
const MERGED_INCLUDE = "this.render(__eta_t, {...it, ...(__eta_d ?? {})}, options)";
const ownDataOnly = {
  processFnString(fn: string): string {
    if (!fn.includes(MERGED_INCLUDE)) throw new Error("Eta's include is not what src/render/engine.ts expects: see ownDataOnly");
    return fn.replace(MERGED_INCLUDE, "this.render(__eta_t, __eta_d ?? {}, options)");
  },
};

/** The one Eta instance: auto-escaping on, templates compiled once (`npm run dev` restarts on changes). */
const eta = new Views({
  views: viewsDir,
  autoEscape: true,
  cache: true,
  functionHeader: "const dom = this.dom, asset = this.asset;",
  plugins: [ownDataOnly],
});

// Eta works out a template's file path on every render and include (a JSON key and three path
// operations each, fifty times and more per room page); the answer never changes, so keep it.
const resolved = new Map<string, string>();
const resolveOnce = eta.resolvePath.bind(eta);
eta.resolvePath = (template, options) => {
  const key = `${options?.filepath ?? ""}\0${template}`;
  let file = resolved.get(key);
  if (file === undefined) resolved.set(key, (file = resolveOnce(template, options)));
  return file;
};

export function render(template: string, data: object): string {
  return eta.render(template, data);
}
