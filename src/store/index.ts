export type * from "./store.js";
export { openSqliteStore, type SqliteStoreOptions } from "./sqlite/sqlite-store.js";
