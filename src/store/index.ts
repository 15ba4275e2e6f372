export type * from "./store.js";
export { openSqliteStore, type SqliteStoreOptions } from "./sqlite/sqlite-store.js";
export { openPostgresStore, PostgresConnectionError, type PostgresStoreOptions } from "./postgres/index.js";
export { LeaderElector, type LeaderElectorOptions } from "./leader.js";
