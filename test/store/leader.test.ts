import { afterEach, describe, expect, it } from "vitest";
import { LeaderElector } from "../../src/store/leader.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { Store } from "../../src/core/ports/store.js";

const ttlMs = 600;
const renewEveryMs = 50;

/** Real time plus a jump the test controls, shared by the store and the electors. */
let skew = 0;
const now = () => Date.now() + skew;

let store: Store;
const electors: LeaderElector[] = [];

function elector(holder: string, on: Store = store): LeaderElector {
  const e = new LeaderElector({ store: on, name: "watcher", holder, ttlMs, renewEveryMs, clock: { now } });
  electors.push(e);
  return e;
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function freshStore(): Store {
  store = openSqliteStore({ path: ":memory:", now });
  return store;
}

afterEach(async () => {
  await Promise.all(electors.splice(0).map((e) => e.stop()));
  await store.close();
  skew = 0;
});

describe("LeaderElector", () => {
  it("makes exactly one of several replicas the leader, the one holding the lease", async () => {
    freshStore();
    const all = ["a", "b", "c"].map((h) => elector(h));
    all.forEach((e) => e.start());
    await waitFor(() => all.some((e) => e.isLeader()));
    await new Promise((resolve) => setTimeout(resolve, renewEveryMs * 4));
    const leaders = all.filter((e) => e.isLeader());
    expect(leaders).toHaveLength(1);
    const lease = await store.getLease("watcher");
    expect(all.findIndex((e) => e.isLeader())).toBe(["a", "b", "c"].indexOf(lease?.holder ?? ""));
  });

  it("releases the lease on stop so a follower takes over without waiting for it to expire", async () => {
    freshStore();
    const a = elector("a");
    a.start();
    await waitFor(() => a.isLeader());
    const b = elector("b");
    const changes: boolean[] = [];
    b.onChange((leader) => changes.push(leader));
    b.start();
    await new Promise((resolve) => setTimeout(resolve, renewEveryMs * 2));
    expect(b.isLeader()).toBe(false);
    await a.stop();
    expect(a.isLeader()).toBe(false);
    expect(await store.getLease("watcher")).toBeNull();
    await waitFor(() => b.isLeader());
    expect(changes).toEqual([true]);
    expect((await store.getLease("watcher"))?.holder).toBe("b");
  });

  it("stops counting itself leader the moment its lease may have lapsed, and steps down when another took it", async () => {
    freshStore();
    const a = elector("a");
    const changes: boolean[] = [];
    a.onChange((leader) => changes.push(leader));
    a.start();
    await waitFor(() => a.isLeader());
    skew += ttlMs; // as if the process had stalled for a whole lease
    expect(a.isLeader()).toBe(false);
    expect(await store.acquireLease("watcher", "intruder", 60_000)).toBe(true);
    await waitFor(() => changes.length === 2);
    expect(changes).toEqual([true, false]);
    await new Promise((resolve) => setTimeout(resolve, renewEveryMs * 3));
    expect(a.isLeader()).toBe(false);
    expect((await store.getLease("watcher"))?.holder).toBe("intruder");
  });

  it("keeps leading through store errors while its lease is live, then steps down", async () => {
    freshStore();
    const a = elector("a");
    const changes: { leader: boolean; at: number }[] = [];
    a.onChange((leader) => changes.push({ leader, at: Date.now() }));
    a.start();
    await waitFor(() => a.isLeader());
    await store.close(); // every renewal now fails
    const closedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, renewEveryMs * 2));
    expect(a.isLeader()).toBe(true);
    await waitFor(() => !a.isLeader());
    expect(Date.now() - closedAt).toBeLessThanOrEqual(ttlMs + 150);
    await waitFor(() => changes.length === 2);
    expect(changes.map((c) => c.leader)).toEqual([true, false]);
  });

  it("refuses a renew interval that would let the lease lapse", () => {
    freshStore();
    expect(() => new LeaderElector({ store, name: "watcher", holder: "a", ttlMs: 100, renewEveryMs: 100 })).toThrow(/shorter than ttlMs/);
  });
});
