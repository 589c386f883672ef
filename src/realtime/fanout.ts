import type { Logger } from "pino";
import type { Deps } from "../domain/deps.js";
import type { Registry } from "./registry.js";
import type { Supersede } from "./supersede.js";
import type { Transport } from "./transport.js";

/** What a broadcast works with: it loads through `deps` and writes to `registry`'s sockets through `transport`. */
export interface Fanout {
  deps: Deps;
  log: Logger;
  registry: Registry;
  transport: Transport;
  /** Keys of pushes of current state, so that an older one finishing last is dropped. */
  supersede: Supersede;
}
