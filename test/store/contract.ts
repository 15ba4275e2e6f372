/**
 * The behaviour every Store must have. Each implementation's test file calls `storeContract`
 * with a factory; the PostgreSQL store reuses this suite unchanged.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NewWorkflow, Store } from "../../src/core/ports/store.js";

export interface StoreFactoryOptions {
  /** The clock the store must use for expiry (leases, claims, cooldowns, kv). */
  now: () => number;
}

/** Opens a fresh, empty store. The suite closes it after each test. */
export type StoreFactory = (options: StoreFactoryOptions) => Promise<Store>;

function workflow(id: string, overrides: Partial<NewWorkflow> = {}): NewWorkflow {
  return {
    id,
    kind: "clear",
    state: "requested",
    lockKey: "svc-web/env-prod",
    createdAt: 1_000,
    expiresAt: null,
    data: { service: "web", noCacheOwned: false },
    ...overrides,
  };
}

export function storeContract(name: string, factory: StoreFactory): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let time: number;

    beforeEach(async () => {
      time = 1_000_000;
      store = await factory({ now: () => time });
    });
    afterEach(async () => {
      await store.close();
    });

    describe("workflows", () => {
      it("returns a created workflow with its data intact", async () => {
        expect(await store.createWorkflow(workflow("w1"))).toEqual({ created: true });
        const row = await store.getWorkflow("w1");
        expect(row).toMatchObject({ id: "w1", kind: "clear", state: "requested", lockKey: "svc-web/env-prod", expiresAt: null });
        expect(row?.data).toEqual({ service: "web", noCacheOwned: false });
        expect(row?.updatedAt).toBe(time);
      });

      it("returns null for an unknown workflow", async () => {
        expect(await store.getWorkflow("nope")).toBeNull();
      });

      it("refuses a second unfinished workflow on the same lock key and names the holder", async () => {
        await store.createWorkflow(workflow("w1"));
        expect(await store.createWorkflow(workflow("w2"))).toEqual({ created: false, conflictId: "w1" });
        expect(await store.getWorkflow("w2")).toBeNull();
      });

      it("allows workflows on other lock keys and without a lock key", async () => {
        await store.createWorkflow(workflow("w1"));
        expect(await store.createWorkflow(workflow("w2", { lockKey: "svc-worker/env-prod" }))).toEqual({ created: true });
        expect(await store.createWorkflow(workflow("w3", { lockKey: null, state: "denied" }))).toEqual({ created: true });
        expect(await store.createWorkflow(workflow("w4", { lockKey: null, state: "denied" }))).toEqual({ created: true });
      });

      it("frees the lock key when a transition releases it", async () => {
        await store.createWorkflow(workflow("w1"));
        expect(await store.transition("w1", "requested", "cancelled", { releaseLock: true })).toBe(true);
        expect((await store.getWorkflow("w1"))?.lockKey).toBeNull();
        expect(await store.createWorkflow(workflow("w2"))).toEqual({ created: true });
        expect((await store.workflowByLock("svc-web/env-prod"))?.id).toBe("w2");
      });

      it("transitions only from the expected state", async () => {
        await store.createWorkflow(workflow("w1"));
        expect(await store.transition("w1", "awaiting_confirmation", "confirmed")).toBe(false);
        expect((await store.getWorkflow("w1"))?.state).toBe("requested");
        expect(await store.transition("w1", "requested", "awaiting_confirmation", { expiresAt: 5_000 })).toBe(true);
        const row = await store.getWorkflow("w1");
        expect(row?.state).toBe("awaiting_confirmation");
        expect(row?.expiresAt).toBe(5_000);
      });

      it("merges the data patch into the stored data", async () => {
        await store.createWorkflow(workflow("w1"));
        time += 10;
        await store.transition("w1", "requested", "requested", { data: { noCacheOwned: true, deploymentId: "d1" } });
        const row = await store.getWorkflow("w1");
        expect(row?.data).toEqual({ service: "web", noCacheOwned: true, deploymentId: "d1" });
        expect(row?.updatedAt).toBe(time);
      });

      it("lets exactly one of many concurrent transitions from the same state win", async () => {
        await store.createWorkflow(workflow("w1", { state: "awaiting_confirmation" }));
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) => store.transition("w1", "awaiting_confirmation", "confirmed", { data: { confirmedBy: `u${i}` } })),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results.indexOf(true);
        expect((await store.getWorkflow("w1"))?.data.confirmedBy).toBe(`u${winner}`);
      });

      it("lists unfinished workflows oldest first and leaves finished ones out", async () => {
        await store.createWorkflow(workflow("late", { createdAt: 3_000, lockKey: "a" }));
        await store.createWorkflow(workflow("early", { createdAt: 2_000, lockKey: "b" }));
        await store.createWorkflow(workflow("done", { createdAt: 1_000, lockKey: "c" }));
        await store.transition("done", "requested", "done", { releaseLock: true });
        expect((await store.listUnfinished()).map((w) => w.id)).toEqual(["early", "late"]);
      });

      it("lists recent workflows newest first", async () => {
        await store.createWorkflow(workflow("a", { createdAt: 1_000, lockKey: "a" }));
        await store.createWorkflow(workflow("b", { createdAt: 2_000, lockKey: "b" }));
        await store.createWorkflow(workflow("c", { createdAt: 3_000, lockKey: "c" }));
        expect((await store.listWorkflows()).map((w) => w.id)).toEqual(["c", "b", "a"]);
        expect((await store.listWorkflows({ since: 2_000, limit: 1 })).map((w) => w.id)).toEqual(["c"]);
      });
    });

    describe("cooldowns", () => {
      it("reports a cooldown until it ends", async () => {
        expect(await store.cooldownUntil("web")).toBeNull();
        await store.setCooldown("web", time + 120_000);
        expect(await store.cooldownUntil("web")).toBe(time + 120_000);
        time += 120_000;
        expect(await store.cooldownUntil("web")).toBeNull();
      });
    });

    describe("claimOnce", () => {
      it("claims a key once until its ttl passes", async () => {
        expect(await store.claimOnce("delivery-1", 60_000)).toBe(true);
        expect(await store.claimOnce("delivery-1", 60_000)).toBe(false);
        expect(await store.claimOnce("delivery-2", 60_000)).toBe(true);
        time += 60_000;
        expect(await store.claimOnce("delivery-1", 60_000)).toBe(true);
      });

      it("prunes expired claims and keeps live ones", async () => {
        await store.claimOnce("old", 1_000);
        await store.claimOnce("live", 60_000);
        time += 1_000;
        expect(await store.pruneClaims()).toBe(1);
        expect(await store.pruneClaims()).toBe(0);
        expect(await store.claimOnce("live", 60_000)).toBe(false);
        expect(await store.claimOnce("old", 60_000)).toBe(true);
      });

      it("gives a key to exactly one of many concurrent claimers", async () => {
        const results = await Promise.all(Array.from({ length: 50 }, () => store.claimOnce("warning:web:d1", 60_000)));
        expect(results.filter(Boolean)).toHaveLength(1);
      });
    });

    describe("leases", () => {
      it("keeps a lease for its holder and refuses others until it expires", async () => {
        expect(await store.acquireLease("watcher", "a", 10_000)).toBe(true);
        expect(await store.acquireLease("watcher", "b", 10_000)).toBe(false);
        expect(await store.acquireLease("watcher", "a", 10_000)).toBe(true);
        expect(await store.getLease("watcher")).toEqual({ name: "watcher", holder: "a", expiresAt: time + 10_000 });
        time += 10_000;
        expect(await store.getLease("watcher")).toBeNull();
        expect(await store.acquireLease("watcher", "b", 10_000)).toBe(true);
        expect((await store.getLease("watcher"))?.holder).toBe("b");
      });

      it("renews only a live lease of the same holder", async () => {
        await store.acquireLease("watcher", "a", 10_000);
        time += 5_000;
        expect(await store.renewLease("watcher", "a", 10_000)).toBe(true);
        expect((await store.getLease("watcher"))?.expiresAt).toBe(time + 10_000);
        expect(await store.renewLease("watcher", "b", 10_000)).toBe(false);
        time += 10_000;
        expect(await store.renewLease("watcher", "a", 10_000)).toBe(false);
      });

      it("releases a lease only for its holder", async () => {
        await store.acquireLease("watcher", "a", 10_000);
        await store.releaseLease("watcher", "b");
        expect((await store.getLease("watcher"))?.holder).toBe("a");
        await store.releaseLease("watcher", "a");
        expect(await store.getLease("watcher")).toBeNull();
        expect(await store.acquireLease("watcher", "b", 10_000)).toBe(true);
      });

      it("gives a free lease to exactly one of many concurrent holders", async () => {
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.acquireLease("watcher", `h${i}`, 10_000)));
        expect(results.filter(Boolean)).toHaveLength(1);
      });
    });

    describe("message refs", () => {
      it("stores and replaces the ref of a status message", async () => {
        expect(await store.getMessageRef("w1")).toBeNull();
        await store.setMessageRef("w1", { platform: "slack", channelId: "C1", messageId: "1.1" });
        await store.setMessageRef("w1", { platform: "slack", channelId: "C1", messageId: "1.2", threadId: "1.0" });
        expect(await store.getMessageRef("w1")).toEqual({ platform: "slack", channelId: "C1", messageId: "1.2", threadId: "1.0" });
      });
    });

    describe("audit log", () => {
      it("lists entries oldest first with their details", async () => {
        await store.appendAudit({
          at: 2,
          event: "workflow.confirmed",
          workflowId: "w1",
          actor: "slack:U2",
          service: "web",
          environment: "production",
          details: {},
        });
        await store.appendAudit({
          at: 1,
          event: "workflow.requested",
          workflowId: "w1",
          actor: "slack:U1",
          service: "web",
          environment: "production",
          details: { deploymentId: "d1" },
        });
        const entries = await store.listAudit();
        expect(entries.map((e) => e.event)).toEqual(["workflow.requested", "workflow.confirmed"]);
        expect(entries[0]).toMatchObject({
          at: 1,
          workflowId: "w1",
          actor: "slack:U1",
          service: "web",
          environment: "production",
          details: { deploymentId: "d1" },
        });
      });

      it("filters by time, workflow, service and event, keeping the newest within the limit", async () => {
        for (let i = 0; i < 6; i++) {
          await store.appendAudit({
            at: i * 10,
            event: i % 2 ? "a" : "b",
            workflowId: `w${i % 3}`,
            actor: null,
            service: i < 3 ? "web" : "worker",
            environment: null,
            details: { i },
          });
        }
        expect((await store.listAudit({ since: 30 })).map((e) => e.details.i)).toEqual([3, 4, 5]);
        expect((await store.listAudit({ workflowId: "w1" })).map((e) => e.details.i)).toEqual([1, 4]);
        expect((await store.listAudit({ service: "web", event: "b" })).map((e) => e.details.i)).toEqual([0, 2]);
        expect((await store.listAudit({ limit: 2 })).map((e) => e.details.i)).toEqual([4, 5]);
      });
    });

    describe("key/value", () => {
      it("stores values, expires them after their ttl and deletes them", async () => {
        await store.kvSet("mute:web", { until: 5 }, 1_000);
        await store.kvSet("mute:worker", true);
        await store.kvSet("other", 1);
        expect(await store.kvGet("mute:web")).toEqual({ until: 5 });
        expect((await store.kvList("mute:")).map((e) => e.key)).toEqual(["mute:web", "mute:worker"]);
        time += 1_000;
        expect(await store.kvGet("mute:web")).toBeNull();
        expect(await store.kvList("mute:")).toEqual([{ key: "mute:worker", value: true }]);
        await store.kvDelete("mute:worker");
        expect(await store.kvGet("mute:worker")).toBeNull();
      });

      it("treats prefix characters literally", async () => {
        await store.kvSet("a%b", 1);
        await store.kvSet("axb", 2);
        expect(await store.kvList("a%")).toEqual([{ key: "a%b", value: 1 }]);
      });
    });
  });
}
