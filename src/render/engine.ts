import path from "node:path";
import { fileURLToPath } from "node:url";
import { Eta } from "eta";

const viewsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../views");

/** The one Eta instance: auto-escaping on, templates compiled once (`npm run dev` restarts on changes). */
const eta = new Eta({ views: viewsDir, autoEscape: true, cache: true });

export function render(template: string, data: object): string {
  return eta.render(template, data);
}
