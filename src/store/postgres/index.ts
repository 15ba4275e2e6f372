export { openPostgresStore, type PostgresStoreOptions } from "./postgres-store.js";
export { PostgresConnectionError } from "./connection.js";
