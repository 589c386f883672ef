import type { Logger } from "pino";
import type { Deps } from "../domain/deps.js";
import { lookingNow } from "../domain/looking.js";
import type { Client } from "./registry.js";

/**
 * A visible page refreshes the database's looking_until at most this often: it lasts LOOKING_MS
 * (60 s) and the page repeats "visible" every 30 s, so the mark never lapses while it is shown.
 */
const REFRESH_MS = 20_000;

/**
 * Each socket's page visibility ({"signal":"visibility","visible":…}). While visible, its person
 * is looking (domain/looking.ts); when it goes hidden or closes, looking_until is set a last time,
 * to 60 s from then, and left to run out.
 */
export class Visibility {
  readonly #deps: Deps;
  readonly #log: Logger;
  readonly #pages = new WeakMap<Client, { visible: boolean; writtenAt: number }>();

  constructor(deps: Deps, log: Logger) {
    this.#deps = deps;
    this.#log = log;
  }

  signal(client: Client, visible: boolean): void {
    const page = this.#pages.get(client);
    const now = Date.now();
    const write = visible ? !page?.visible || now - page.writtenAt >= REFRESH_MS : page?.visible === true;
    this.#pages.set(client, { visible, writtenAt: write ? now : (page?.writtenAt ?? 0) });
    if (write) this.#looking(client);
  }

  closed(client: Client): void {
    if (this.#pages.get(client)?.visible) this.#looking(client);
    this.#pages.delete(client);
  }

  #looking(client: Client): void {
    lookingNow(this.#deps, client.userId).catch((err: unknown) => this.#log.error({ err }, "visibility signal failed"));
  }
}
