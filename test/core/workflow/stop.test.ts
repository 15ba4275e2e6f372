import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { alice, createHarness, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

describe("WorkflowEngine.stop (shutdown)", () => {
  it("stops waiting on a running rebuild, and the next start finishes it with NO_CACHE removed and one rebuild", async () => {
    const asked = await h.engine.request({ actor: alice, kind: "clear", service: "web", environment: "production" });
    if (!asked.ok) throw new Error(asked.reply.body);
    expect((await h.engine.confirm(asked.workflowId, alice)).ok).toBe(true);
    // Stop once the build runs (the simulator's clock makes the whole clear take milliseconds).
    while (!h.updates.some((u) => u.state === "building")) await new Promise((resolve) => setImmediate(resolve));
    await h.engine.stop();

    const paused = await h.engine.get(asked.workflowId);
    expect(["building", "restoring"]).toContain(paused?.state);
    expect(h.noCacheOn("web", "production")).toBe("1");

    const next = h.restart();
    await next.recover();
    const finished = await next.settled(asked.workflowId);
    expect(finished?.state).toBe("done");
    expect(finished?.data.outcome).toBe("deployed");
    expect(h.noCacheOn("web", "production")).toBeUndefined();
    expect(h.count("ServiceInstanceDeployV2")).toBe(1);
  });
});
