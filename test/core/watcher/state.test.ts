import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { systemClock } from "../../../src/core/ports/clock.js";
import type { Store } from "../../../src/core/ports/store.js";
import { WatcherState } from "../../../src/core/watcher/state.js";
import { createLogger } from "../../../src/log.js";
import { openSqliteStore } from "../../../src/store/sqlite/sqlite-store.js";

let dir: string;
let store: Store;
const lines: string[] = [];

function open(): WatcherState {
  dir = mkdtempSync(join(tmpdir(), "railcache-watcher-state-"));
  store = openSqliteStore({ path: join(dir, "railcache.db") });
  lines.length = 0;
  return new WatcherState(store, systemClock, createLogger({ destination: { write: (line: string) => void lines.push(line) } }));
}

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const instance = { projectId: "p", serviceId: "s", serviceName: "web", environmentId: "e", environmentName: "production" };

describe("the watcher's records in the store", () => {
  it("reads back what it wrote, under the keys earlier versions used", async () => {
    const state = open();
    await state.saveDeployment("d1", { status: "CRASHED", statusSince: 5, card: { kind: "stale_cache", status: "CRASHED", title: "t" } });
    await state.saveNoCacheMark({ since: 7, reminded: false, instance });
    expect(await state.deployment("d1")).toEqual({ status: "CRASHED", statusSince: 5, card: { kind: "stale_cache", status: "CRASHED", title: "t" } });
    expect(await store.kvGet("watcher:dep:d1")).toMatchObject({ status: "CRASHED" });
    expect(await state.noCacheMarks()).toEqual([{ since: 7, reminded: false, instance }]);
    expect(await store.kvGet("watcher:nocache:s:e")).toMatchObject({ since: 7 });
  });

  it("treats a record that does not parse as absent and logs which key it skipped", async () => {
    const state = open();
    await store.kvSet("watcher:dep:d2", { status: "EXPLODED", statusSince: "yesterday" });
    await store.kvSet("watcher:5xx:d3", { deploymentId: "d3" });
    await store.setMessageRef("watcher:card:d4", { channelId: "C1" });
    expect(await state.deployment("d2")).toBeNull();
    expect(await state.fiveXxWatches()).toEqual([]);
    expect(await state.cardRef("d4")).toBeNull();
    const skipped = lines.map((line) => JSON.parse(line) as { event: string; key: string }).filter((l) => l.event === "watcher.bad_record");
    expect(skipped.map((l) => l.key)).toEqual(["watcher:dep:d2", "watcher:5xx:d3", "watcher:card:d4"]);
  });

  it("stores a posted message's ref without whatever else the adapter attached", async () => {
    const state = open();
    await state.saveCardRef(
      "d5",
      Object.assign({ platform: "slack" as const, channelId: "C1", messageId: "1.2" }, { client: { token: "xoxb-not-for-the-store" } }),
    );
    expect(await store.getMessageRef("watcher:card:d5")).toEqual({ platform: "slack", channelId: "C1", messageId: "1.2" });
  });
});
