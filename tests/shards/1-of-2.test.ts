import { runShard } from "../support/shard.js";

await runShard(import.meta.url);
