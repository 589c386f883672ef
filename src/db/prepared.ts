import type { Db } from "./client.js";

/**
 * A query built once per database and then only run. Building queries with drizzle cost the
 * server more than a fifth of its time per posted message, and a named statement is also parsed
 * and planned only once per connection. A transaction is a database of its own here: it builds
 * its own copy, once.
 */
export function prepared<Q>(build: (db: Db) => Q): (db: Db) => Q {
  const built = new WeakMap<Db, Q>();
  return (db) => {
    let query = built.get(db);
    if (query === undefined) built.set(db, (query = build(db)));
    return query;
  };
}
