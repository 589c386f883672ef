import { pino, type DestinationStream, type Logger } from "pino";
import type { Config } from "./config.js";

export function createLogger(config: Pick<Config, "LOG_LEVEL">, destination?: DestinationStream): Logger {
  return pino(
    {
      level: config.LOG_LEVEL,
      redact: ["req.headers.cookie", 'res.headers["set-cookie"]', "req.headers.authorization"],
    },
    destination,
  );
}
