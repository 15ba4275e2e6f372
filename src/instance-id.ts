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

const valid = /^[\w.:@-]{1,100}$/;

export function resolveInstanceId(config: Pick<Config, "instanceId" | "sqlitePath">): string {
  if (config.instanceId) return config.instanceId;
  const file = path.join(path.dirname(config.sqlitePath), "instance-id");
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
