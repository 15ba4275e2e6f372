import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";

/** Repo root: this file lives in src/railway/simulator (or dist/railway/simulator once built). */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/**
 * Railway's published introspection schema, vendored so the demo works in a fresh clone.
 * A test keeps it identical to the team's reference copy in ../shared/railway/schema.json.
 */
export const defaultSchemaPath = path.resolve(repoRoot, "schema/railway.schema.json");

/** The team's reference copy beside the repository (present in CI and on team machines). */
export const sharedSchemaPath = path.resolve(repoRoot, "../shared/railway/schema.json");

const cache = new Map<string, GraphQLSchema>();

/** Railway's public schema, built once per process and path (the file is ~1.8 MB). */
export function loadRailwaySchema(schemaPath: string = defaultSchemaPath): GraphQLSchema {
  const resolved = path.resolve(schemaPath);
  const cached = cache.get(resolved);
  if (cached) return cached;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(resolved, "utf8"));
  } catch (error) {
    throw new Error(`Cannot read Railway's GraphQL schema at ${resolved}: ${(error as Error).message}`, { cause: error });
  }
  const introspection = (parsed as { data?: IntrospectionQuery }).data ?? (parsed as IntrospectionQuery);
  const schema = buildClientSchema(introspection);
  cache.set(resolved, schema);
  return schema;
}
