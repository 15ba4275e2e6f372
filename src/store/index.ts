export type * from "../core/ports/store.js";
export { openSqliteStore, type SqliteStoreOptions } from "./sqlite/sqlite-store.js";
// The PostgreSQL store is imported from ./postgres/index.js where it is used, so SQLite-only
// processes never load node-postgres.
export { LeaderElector, type LeaderElectorOptions } from "./leader.js";
