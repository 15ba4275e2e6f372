import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig, ConfigError } from "../src/config.js";
import { resolveInstanceId } from "../src/instance-id.js";

const dirs: string[] = [];
const tempDb = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "railcache-id-"));
  dirs.push(dir);
  return path.join(dir, "data", "railcache.db");
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("the bot's instance id (lease holder)", () => {
  it("is generated once, kept beside the SQLite file, and the same after a restart", () => {
    const sqlitePath = tempDb();
    const first = resolveInstanceId({ sqlitePath, instanceId: undefined });
    expect(first).toMatch(/^railcache-[0-9a-f-]{36}$/);
    expect(readFileSync(path.join(path.dirname(sqlitePath), "instance-id"), "utf8").trim()).toBe(first);
    expect(resolveInstanceId({ sqlitePath, instanceId: undefined })).toBe(first);
    // Another data directory is another bot.
    expect(resolveInstanceId({ sqlitePath: tempDb(), instanceId: undefined })).not.toBe(first);
  });

  it("takes RAILCACHE_INSTANCE_ID when configured, and refuses a garbled one", () => {
    const config = loadConfig({ RAILCACHE_INSTANCE_ID: "replica-2", RAILCACHE_DB: tempDb() });
    expect(resolveInstanceId(config)).toBe("replica-2");
    expect(() => loadConfig({ RAILCACHE_INSTANCE_ID: "two words" })).toThrow(ConfigError);
  });
});
