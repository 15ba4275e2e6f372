/**
 * Which databases a project uses, from what Railway's API shows: a database plugin, a service
 * running a database image, or a variable holding a database URL. Only the kind and the host
 * (and port) leave here: a URL's user, password, path and query are dropped on the spot.
 */
import type { DatabaseRef } from "../core/ports/railway.js";

type Kind = DatabaseRef["kind"];

const schemes: Record<string, Kind> = {
  postgres: "postgresql",
  postgresql: "postgresql",
  "postgresql+psycopg": "postgresql",
  "postgresql+psycopg2": "postgresql",
  pgsql: "postgresql",
  mysql: "mysql",
  "mysql+pymysql": "mysql",
  mariadb: "mysql",
  redis: "redis",
  rediss: "redis",
  mongodb: "mongodb",
  "mongodb+srv": "mongodb",
};

/** The kind and `host:port` of a database URL, or null when the value is not one. Never the credentials. */
export function databaseUrlHost(value: string): { kind: Kind; host: string } | null {
  const match = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value.trim());
  const kind = match ? schemes[match[1]!.toLowerCase()] : undefined;
  if (!kind) return null;
  let url: URL;
  try {
    // Swap the scheme for one the WHATWG parser treats as special, so host and port parse alike.
    url = new URL(`http://${value.trim().slice(match![0].length)}`);
  } catch {
    return null;
  }
  if (!url.hostname) return null;
  return { kind, host: url.port ? `${url.hostname}:${url.port}` : url.hostname };
}

const images: [RegExp, Kind][] = [
  [/(^|\/)(postgres|postgis|postgres-ssl|pgvector|timescaledb)[^/]*(:|$)/i, "postgresql"],
  [/(^|\/)(mysql|mariadb)[^/]*(:|$)/i, "mysql"],
  [/(^|\/)(redis|valkey|keydb)[^/]*(:|$)/i, "redis"],
  [/(^|\/)mongo[^/]*(:|$)/i, "mongodb"],
];

/** The database kind of a service's image (`postgres:16`, `ghcr.io/railwayapp-templates/postgres-ssl:16`), if any. */
export function databaseImageKind(image: string | null): Kind | null {
  if (!image) return null;
  for (const [pattern, kind] of images) if (pattern.test(image)) return kind;
  return null;
}

/** Railway's PluginType names, as kinds. */
export function pluginKind(name: string): Kind | null {
  const kinds: Record<string, Kind> = { postgresql: "postgresql", mysql: "mysql", redis: "redis", mongodb: "mongodb" };
  return kinds[name.toLowerCase()] ?? null;
}
