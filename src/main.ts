import { ConfigError, loadConfig } from "./config.js";
import { DatabaseUnavailableError } from "./db/client.js";
import { FilesUnavailableError } from "./files/store.js";
import { createLogger } from "./logger.js";
import { startServer } from "./server.js";

let config;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(1);
}

const logger = createLogger(config);
try {
  const running = await startServer(config, logger);
  logger.info({ url: running.url, database: running.database.location }, `Parley is listening on ${running.url}`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  // Not once(): Ctrl+C under `npm start` signals Parley twice (from the terminal, then from npm),
  // and a signal with no listener left would kill Parley in the middle of its stop.
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
} catch (err) {
  // Start-up problems that the message names and the person running Parley fixes: no stack trace.
  if (err instanceof DatabaseUnavailableError || err instanceof FilesUnavailableError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
