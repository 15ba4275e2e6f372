/**
 * The long-running bot's stable instance id: the holder name of its workflow leases. Stable
 * across restarts, so a bot killed mid-clear and restarted takes its own workflows back at once
 * instead of waiting for its old lease to run out. Configured (RAILCACHE_INSTANCE_ID), or made
 * once and kept in `instance-id` beside the SQLite file. (Other replicas adopt a workflow only
 * after its lease lapses, so a replica whose id changes still gets its work finished.)
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Config } from "./config.js";
import { KnownFailure } from "./core/errors.js";
import { describeFileError } from "./system-errors.js";

const valid = /^[\w.:@-]{1,100}$/;

export function resolveInstanceId(config: Pick<Config, "instanceId" | "sqlitePath">): string {
  if (config.instanceId) return config.instanceId;
  const file = path.join(path.dirname(config.sqlitePath), "instance-id");
  try {
    return keptId(file);
  } catch (error) {
    throw new KnownFailure(
      `Cannot keep this bot's instance id in ${path.resolve(file)}: ${describeFileError(error)}. Set RAILCACHE_DB to a file in a writable folder, or set RAILCACHE_INSTANCE_ID.`,
      { category: "configuration", cause: error },
    );
  }
}

function keptId(file: string): string {
  try {
    const kept = readFileSync(file, "utf8").trim();
    if (valid.test(kept)) return kept;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const id = `railcache-${randomUUID()}`;
  mkdirSync(path.dirname(file), { recursive: true });
  // "wx": if another process created it meanwhile, use theirs.
  try {
    writeFileSync(file, `${id}\n`, { flag: "wx" });
    return id;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return readFileSync(file, "utf8").trim();
  }
}
