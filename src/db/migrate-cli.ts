import { databaseTimeouts, loadConfig } from "../config.js";
import { openDatabase } from "./client.js";
import { migrate } from "./migrate.js";

const config = loadConfig();
const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, timeouts: databaseTimeouts(config) });
await migrate(database);
await database.close();
console.log(`Migrated ${database.location}`);
