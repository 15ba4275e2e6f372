import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parsePolicy } from "../../../src/core/policy/load.js";
import { DEMO_ACCOUNT_TOKEN, DEMO_PROJECT_ID } from "../../../src/railway/simulator/index.js";
import { alice, bob, carol, createHarness, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

describe("clearing the build cache", () => {
  it("sets NO_CACHE, rebuilds the running commit uncached, removes NO_CACHE after the build and reports success", async () => {
    const world = h.sim.world;
    const web = world.instanceByName("web", "production");
    const base = world.latestDeployment(web.serviceId, web.environmentId)!;

    const asked = await h.engine.request({ actor: alice, kind: "clear", service: "web", environment: "production" });
    expect(asked.ok).toBe(true);
    if (!asked.ok) return;
    expect(asked.reply.body).toContain("NO_CACHE=1");
    expect(asked.reply.body).toContain(String(base.meta.commitHash).slice(0, 7));
    expect(asked.reply.body).toMatch(/slower/);
    expect(asked.reply.body).toMatch(/Asked by Alice/);
    expect(asked.reply.body).toMatch(/Expires in 5 min/);

    const confirmed = await h.engine.confirm(asked.workflowId, alice);
    expect(confirmed.ok).toBe(true);
    const wf = await h.engine.settled(asked.workflowId);

    expect(wf?.state).toBe("done");
    expect(wf?.data.outcome).toBe("deployed");
    const rebuilt = world.deployments.get(wf!.data.newDeploymentId!)!;
    expect(rebuilt.meta.commitHash).toBe(base.meta.commitHash);
    expect(rebuilt.built).toBe(true);
    expect(rebuilt.usedCache).toBe(false);
    expect(rebuilt.status).toBe("SUCCESS");
    expect(h.noCacheOn("web", "production")).toBeUndefined();

    const upsert = h.sim.requests.find((r) => r.operationName === "VariableUpsert")!;
    expect(upsert.variables).toMatchObject({ input: { name: "NO_CACHE", value: "1", skipDeploys: true } });
    // Removed with a replace that skips the deploy (variableDelete cannot), keeping every other variable.
    const removal = h.sim.requests.find((r) => r.operationName === "VariableCollectionUpsert")!;
    expect(removal.variables).toMatchObject({ input: { replace: true, skipDeploys: true } });
    expect(h.count("VariableDelete")).toBe(0);
    expect(world.vars(web.serviceId, web.environmentId).get("DJANGO_SETTINGS_MODULE")).toBe("shop.settings");
    // Removed only once the uncached build was over (queue 2 s + init 3 s + build 95 s), and within one poll of it.
    const buildOver = rebuilt.createdAt + 100_000;
    expect(removal.at).toBeGreaterThanOrEqual(buildOver);
    expect(removal.at - buildOver).toBeLessThanOrEqual(60_000);
    expect(h.count("ServiceInstanceDeployV2")).toBe(1);
    // No second deployment: the clean build is the live one.
    expect(rebuildsSince(rebuilt.createdAt)).toHaveLength(1);

    // One edit per transition; the confirmation itself is shown by the caller with the reply it got.
    expect(h.updates.map((u) => u.state)).toEqual([
      "no_cache_set",
      "rebuild_requested",
      "rebuild_triggered",
      "building",
      "restoring",
      "no_cache_removed",
      "deployed",
    ]);
    const last = h.updates.at(-1)!.reply;
    expect(last.tone).toBe("success");
    expect(last.body).toMatch(/rebuilt without the build cache \(deployment `[0-9a-f]{8}`\) and it is live/);
    expect(last.context).toContain(`id=${rebuilt.id}`);
  });
});

async function clearAndConfirm(service = "web", environment = "production") {
  const asked = await h.engine.request({ actor: alice, kind: "clear", service, environment });
  if (!asked.ok) throw new Error(`request refused: ${asked.reply.body}`);
  const confirmed = await h.engine.confirm(asked.workflowId, alice);
  if (!confirmed.ok) throw new Error(`confirm refused: ${confirmed.reply.body}`);
  return (await h.engine.settled(asked.workflowId))!;
}

const rebuildsSince = (createdAfter: number) => [...h.sim.world.deployments.values()].filter((d) => d.createdAt >= createdAfter);

describe("redeploying", () => {
  it("rebuilds the running commit with the cache and never touches NO_CACHE", async () => {
    const asked = await h.engine.request({ actor: alice, kind: "redeploy", service: "worker", environment: "staging" });
    if (!asked.ok) throw new Error(asked.reply.body);
    expect(asked.reply.body).not.toContain("NO_CACHE");
    await h.engine.confirm(asked.workflowId, alice);
    const wf = await h.engine.settled(asked.workflowId);
    expect(wf?.data.outcome).toBe("deployed");
    expect(h.sim.world.deployments.get(wf!.data.newDeploymentId!)?.usedCache).toBe(true);
    expect(h.count("VariableUpsert") + h.count("VariableDelete")).toBe(0);
  });
});

describe("guards", () => {
  it("refuses a request the policy does not allow and records it, touching nothing in Railway", async () => {
    h.engine = h.restart({ policy: parsePolicy('[[allow]]\npermissions = ["clear"]\nusers = ["U0BOB"]\n') });
    const asked = await h.engine.request({ actor: alice, kind: "clear", service: "web", environment: "production" });
    expect(asked.ok).toBe(false);
    expect(asked.reply.body).toMatch(/not on the list of people who may clear `web` in production/);
    expect(h.sim.requests).toHaveLength(0);
    const audit = await h.store.listAudit();
    expect(audit).toEqual([expect.objectContaining({ event: "workflow.refused", actor: "slack:U0ALICE (Alice)", service: "web", environment: "production" })]);
  });

  it("expires an unconfirmed request after the confirmation TTL, without sleeping", async () => {
    const asked = await h.engine.request({ actor: alice, kind: "clear", service: "web", environment: "production" });
    if (!asked.ok) throw new Error(asked.reply.body);
    h.sim.advance(5 * 60_000 + 1);
    const confirmed = await h.engine.confirm(asked.workflowId, alice);
    expect(confirmed.ok).toBe(false);
    expect(confirmed.reply.title).toBe("Expired");
    expect((await h.engine.get(asked.workflowId))?.state).toBe("expired");
    expect(h.count("VariableUpsert") + h.count("ServiceInstanceDeployV2")).toBe(0);
    // The service is free again.
    expect((await h.engine.request({ actor: alice, kind: "clear", service: "web", environment: "production" })).ok).toBe(true);
  });

  it("refuses a confirmation from someone other than the requester and keeps waiting for the requester", async () => {
    const asked = await h.engine.request({ actor: alice, kind: "clear", service: "web", environment: "production" });
    if (!asked.ok) throw new Error(asked.reply.body);
    const byBob = await h.engine.confirm(asked.workflowId, bob);
    expect(byBob.ok).toBe(false);
    expect(byBob.reply.body).toMatch(/Only the person who asked/);
    expect((await h.engine.get(asked.workflowId))?.state).toBe("awaiting_confirmation");
    expect((await h.engine.confirm(asked.workflowId, alice)).ok).toBe(true);
    await h.engine.idle();
    expect((await h.store.listAudit({ event: "workflow.confirm_refused" }))[0]?.actor).toBe("slack:U0BOB (Bob)");
  });

  it("needs a second approver where the policy says so, never the requester", async () => {
    const policy = parsePolicy('[second_approver]\nenvironments = ["production"]\ngroups = ["S0OPS"]\n');
    h.engine = h.restart({ policy });
    const asked = await h.engine.request({ actor: bob, kind: "clear", service: "web", environment: "production" });
    if (!asked.ok) throw new Error(asked.reply.body);
    expect(asked.reply.body).toMatch(/Waiting for a second person to confirm \(never Bob\)/);
    expect((await h.engine.confirm(asked.workflowId, bob)).reply.body).toMatch(/someone other than you/);
    expect((await h.engine.confirm(asked.workflowId, carol)).reply.body).toMatch(/not one of the approvers/);
    const approver = { ...carol, userId: "U0DAN", displayName: "Dan", groups: ["S0OPS"] };
    expect((await h.engine.confirm(asked.workflowId, approver)).ok).toBe(true);
    const wf = await h.engine.settled(asked.workflowId);
    expect(wf?.data.confirmedBy?.userId).toBe("U0DAN");
    expect(wf?.data.outcome).toBe("deployed");
  });

  it("cancels a pending request for the requester and ignores a later confirmation", async () => {
    const asked = await h.engine.request({ actor: alice, kind: "clear", service: "web", environment: "production" });
    if (!asked.ok) throw new Error(asked.reply.body);
    expect((await h.engine.cancel({ workflowId: asked.workflowId }, bob)).title).toBe("Not yours to cancel");
    const cancelled = await h.engine.cancel({ service: "web" }, alice);
    expect(cancelled.body).toMatch(/Cancelled: cancelled by Alice\. Nothing was changed/);
    const late = await h.engine.confirm(asked.workflowId, alice);
    expect(late.ok).toBe(false);
    expect(late.reply.title).toBe("Cancelled");
    expect(h.count("VariableUpsert") + h.count("ServiceInstanceDeployV2")).toBe(0);
  });

  it("answers a typed cancel during a running clear with what is running, not 'nothing pending'", async () => {
    const asked = await h.engine.request({ actor: alice, kind: "clear", service: "web", environment: "production" });
    if (!asked.ok) throw new Error(asked.reply.body);
    await h.engine.confirm(asked.workflowId, alice);
    const reply = await h.engine.cancel({ service: "web" }, alice);
    await h.engine.idle();
    expect(reply.title).toBe("Already running");
    expect(reply.body).toMatch(/A cache clear of `web` \(production\) asked by Alice is running/);
  });

  it("records an approver's cancel as a decline", async () => {
    const policy = parsePolicy('[second_approver]\nenvironments = ["production"]\nusers = ["U0BOB"]\n');
    h.engine = h.restart({ policy });
    const asked = await h.engine.request({ actor: alice, kind: "clear", service: "web", environment: "production" });
    if (!asked.ok) throw new Error(asked.reply.body);
    await h.engine.cancel({ workflowId: asked.workflowId }, bob);
    expect((await h.engine.get(asked.workflowId))?.state).toBe("denied");
    expect((await h.store.listAudit({ event: "workflow.deny" }))[0]?.actor).toBe("slack:U0BOB (Bob)");
  });

  it("refuses a stale confirmation after a newer deployment and asks again for the new one", async () => {
    const asked = await h.engine.request({ actor: alice, kind: "clear", service: "web", environment: "production" });
    if (!asked.ok) throw new Error(asked.reply.body);
    const pushed = h.sim.scenario.push("web", "production", { message: "Fix checkout rounding" });
    const confirmed = await h.engine.confirm(asked.workflowId, alice);
    expect(confirmed.ok).toBe(false);
    expect(confirmed.reply.body).toMatch(/A newer deployment .* appeared after this was asked/);
    expect(confirmed.reply.body).toContain(pushed.meta.commitHash!.toString().slice(0, 7));
    expect((await h.engine.get(asked.workflowId))?.state).toBe("expired");
    expect(confirmed.workflowId).toBeDefined();
    expect((await h.engine.get(confirmed.workflowId!))?.data.base.deploymentId).toBe(pushed.id);
    expect(h.count("VariableUpsert") + h.count("ServiceInstanceDeployV2")).toBe(0);
  });

  it("allows one workflow per service and environment at a time", async () => {
    expect((await h.engine.request({ actor: alice, kind: "clear", service: "web", environment: "production" })).ok).toBe(true);
    const second = await h.engine.request({ actor: bob, kind: "redeploy", service: "web", environment: "production" });
    expect(second.ok).toBe(false);
    expect(second.reply.body).toMatch(/A cache clear asked by Alice is waiting for confirmation/);
    expect((await h.engine.request({ actor: bob, kind: "redeploy", service: "web", environment: "staging" })).ok).toBe(true);
  });

  it("keeps a cooldown after a rebuild", async () => {
    await clearAndConfirm();
    const again = await h.engine.request({ actor: alice, kind: "clear", service: "web", environment: "production" });
    expect(again.ok).toBe(false);
    expect(again.reply.body).toMatch(/Try again in \d+ s/);
    h.sim.advance(2 * 60_000);
    expect((await h.engine.request({ actor: alice, kind: "clear", service: "web", environment: "production" })).ok).toBe(true);
  });

  it("resolves service aliases and the default environment from the policy", async () => {
    h.engine = h.restart({ policy: parsePolicy('default_environment = "staging"\n[aliases]\napi = "web"\n') });
    const asked = await h.engine.request({ actor: alice, kind: "clear", service: "api" });
    if (!asked.ok) throw new Error(asked.reply.body);
    const wf = await h.engine.get(asked.workflowId);
    expect([wf?.data.serviceName, wf?.data.environmentName]).toEqual(["web", "staging"]);
  });

  it("names the services that exist when asked for one that does not", async () => {
    const asked = await h.engine.request({ actor: alice, kind: "clear", service: "wbe", environment: "production" });
    expect(asked.reply.body).toMatch(/no service `wbe`.*Services: web, worker/);
  });

  it("starts exactly one rebuild from 50 concurrent confirmations", async () => {
    const asked = await h.engine.request({ actor: alice, kind: "clear", service: "web", environment: "production" });
    if (!asked.ok) throw new Error(asked.reply.body);
    const results = await Promise.all(Array.from({ length: 50 }, () => h.engine.confirm(asked.workflowId, alice)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).every((r) => r.reply.title === "Already confirmed")).toBe(true);
    await h.engine.idle();
    expect(h.count("ServiceInstanceDeployV2")).toBe(1);
    expect(h.count("VariableUpsert")).toBe(1);
    expect((await h.engine.get(asked.workflowId))?.data.outcome).toBe("deployed");
  });

  it("starts exactly one rebuild when two engines (replicas) on one database get the same confirmation", async () => {
    const asked = await h.engine.request({ actor: alice, kind: "clear", service: "web", environment: "production" });
    if (!asked.ok) throw new Error(asked.reply.body);
    const other = h.restart();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? other : h.engine).confirm(asked.workflowId, alice)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    await Promise.all([h.engine.idle(), other.idle()]);
    expect(h.count("ServiceInstanceDeployV2")).toBe(1);
  });
});

describe("NO_CACHE ownership and honesty", () => {
  it("leaves a NO_CACHE that was set before railcache alone", async () => {
    const web = h.sim.world.instanceByName("web", "production");
    h.sim.world.vars(web.serviceId, web.environmentId).set("NO_CACHE", "1");
    const wf = await clearAndConfirm();
    expect(wf.data.noCachePreexisting).toBe(true);
    expect(h.noCacheOn("web", "production")).toBe("1");
    expect(h.count("VariableUpsert") + h.count("VariableDelete")).toBe(0);
    expect(h.updates.at(-1)?.reply.body).toMatch(/already set on this service before railcache; it was left as it was/);
  });

  it("says plainly that Railway reused the image when no build ran", async () => {
    const world = h.sim.world;
    const proxy = world.addService(DEMO_PROJECT_ID, "proxy", { image: "nginx:1.27" });
    const production = world.environmentByName(DEMO_PROJECT_ID, "production");
    world.deploy(proxy.id, production.id);
    world.advance(60_000);
    const wf = await clearAndConfirm("proxy");
    expect(wf.state).toBe("done");
    expect(wf.data.outcome).toBe("image_reused");
    expect(h.count("DeploymentRedeploy")).toBe(1);
    expect(h.sim.requests.find((r) => r.operationName === "DeploymentRedeploy")?.variables).toMatchObject({ usePreviousImageTag: false });
    const last = h.updates.at(-1)!.reply;
    expect(last.body).toMatch(/Railway reused the existing image: no build ran/);
    expect(last.body).toMatch(/was \*not\* cleared/);
    expect(last.body).not.toMatch(/rebuilt without the build cache/);
    expect(h.noCacheOn("proxy", "production")).toBeUndefined();
  });

  it("reports a failed rebuild with the tail of its log and still removes NO_CACHE", async () => {
    h.sim.scenario.plainFailure("web", "production", { deploy: false });
    const wf = await clearAndConfirm();
    expect(wf.data.outcome).toBe("failed");
    expect(h.noCacheOn("web", "production")).toBeUndefined();
    const last = h.updates.at(-1)!.reply;
    expect(last.tone).toBe("error");
    expect(last.body).toMatch(/Failed: the deployment ended CRASHED\. `NO_CACHE` was removed again/);
    expect(last.code?.[0]?.text.length).toBeGreaterThan(0);
  });

  it("removes NO_CACHE and fails when the build does not get past BUILDING in time", async () => {
    h.engine = h.restart({ timeouts: { buildMs: 30_000 } });
    const wf = await clearAndConfirm();
    expect(wf.data.outcome).toBe("failed");
    expect(wf.data.failure).toMatch(/still BUILDING after 1 min/);
    expect(h.noCacheOn("web", "production")).toBeUndefined();
    expect(h.count("ServiceInstanceDeployV2")).toBe(1);
  });

  it("fails cleanly without a rebuild when Railway refuses the rebuild", async () => {
    h.sim.faults.add({ kind: "graphqlError", operationName: "ServiceInstanceDeployV2", message: "Service is locked", code: null });
    const wf = await clearAndConfirm();
    expect(wf.data.outcome).toBe("failed");
    expect(wf.data.failure).toMatch(/Railway did not start the rebuild: Railway refused: Service is locked/);
    expect(h.noCacheOn("web", "production")).toBeUndefined();
    expect(wf.data.newDeploymentId).toBeNull();
    expect(h.count("ServiceInstanceDeployV2")).toBe(1);
    expect(h.updates.at(-1)?.reply.body).toMatch(/Nothing was rebuilt\. `NO_CACHE` was removed again/);
  });

  it("says NO_CACHE needed no undoing when it could not be set at all", async () => {
    h.sim.faults.add({ kind: "graphqlError", operationName: "VariableUpsert", message: "Variables are locked", code: null });
    const wf = await clearAndConfirm();
    expect(wf.data.outcome).toBe("failed");
    expect(h.noCacheOn("web", "production")).toBeUndefined();
    expect(h.count("ServiceInstanceDeployV2")).toBe(0);
    const body = h.updates.at(-1)?.reply.body ?? "";
    expect(body).toMatch(/could not set NO_CACHE/);
    expect(body).not.toMatch(/removed again/);
  });

  it("never replaces the variables of a service with a sealed one: falls back to variableDelete and reports what is live", async () => {
    const world = h.sim.world;
    const web = world.instanceByName("web", "production");
    world.vars(web.serviceId, web.environmentId).set("STRIPE_KEY", "sk_live_sealed");
    world.seal(web.serviceId, web.environmentId, "STRIPE_KEY");
    const start = world.now;
    const wf = await clearAndConfirm();
    expect(world.vars(web.serviceId, web.environmentId).get("STRIPE_KEY")).toBe("sk_live_sealed");
    expect(h.count("VariableCollectionUpsert")).toBe(0);
    expect(h.count("VariableDelete")).toBe(1);
    expect(h.noCacheOn("web", "production")).toBeUndefined();
    expect(wf.data.outcome).toBe("deployed");
    const deployments = rebuildsSince(start);
    const live = deployments.find((d) => d.status === "SUCCESS")!;
    expect(wf.data.liveDeploymentId).toBe(live.id);
    const last = h.updates.at(-1)!.reply;
    expect(last.context).toContain(`id=${live.id}`);
    if (h.sim.world.settings.variableChangesDeploy) {
      // The delete started a second, cached deployment that replaced the clean build: say so.
      expect(deployments).toHaveLength(2);
      expect(live.id).not.toBe(wf.data.newDeploymentId);
      expect(last.body).toMatch(
        /Removing `NO_CACHE` made Railway start another deployment, `[0-9a-f]{8}` \(a normal build, with the layer cache\), which replaced it and is live now/,
      );
    } else {
      expect(deployments).toHaveLength(1);
      expect(last.body).toMatch(/and it is live/);
    }
  });

  it("follows a deployment Railway starts although skipDeploys was set, and names it as the live one", async () => {
    h.sim.world.settings.skipDeploysHonoured = false;
    const start = h.sim.world.now;
    const wf = await clearAndConfirm();
    const live = rebuildsSince(start).find((d) => d.status === "SUCCESS")!;
    expect(wf.data.outcome).toBe("deployed");
    expect(wf.data.liveDeploymentId).toBe(live.id);
    expect(h.noCacheOn("web", "production")).toBeUndefined();
    // Exactly one build ran without the cache; Railway's extra deployments are cached builds.
    expect(rebuildsSince(start).filter((d) => d.usedCache === false)).toHaveLength(1);
    expect(h.updates.at(-1)?.reply.context).toContain(`id=${live.id}`);
  });
});

describe("Railway faults at each step", () => {
  const operations = [
    "ProjectStatus",
    "Variables",
    "VariableMeta",
    "VariableUpsert",
    "ServiceInstanceDeployV2",
    "RecentDeployments",
    "Deployment",
    "VariableCollectionUpsert",
    "BuildLogs",
  ];
  const kinds = ["http429", "http500", "timeout"] as const;
  const cases = operations.flatMap((operation) => kinds.map((kind) => ({ operation, kind })));

  it.each(cases)("finishes a clear with one rebuild and NO_CACHE removed despite $kind on $operation", async ({ operation, kind }) => {
    const start = h.sim.world.now;
    h.sim.faults.add({ kind, operationName: operation, times: 2, retryAfterSeconds: 3 });
    const wf = await clearAndConfirm();
    expect(wf.state).toBe("done");
    expect(wf.data.outcome).toBe("deployed");
    expect(h.noCacheOn("web", "production")).toBeUndefined();
    expect(rebuildsSince(start)).toHaveLength(1);
    expect(h.sim.requests.some((r) => r.fault === kind && r.operationName === operation)).toBe(true);
  });

  it("never gives up removing NO_CACHE through a long outage: says it is still trying, alerts the channel, then finishes", async () => {
    // 60 failed HTTP requests: twelve tries of five attempts each, spread over more than ten minutes.
    h.sim.faults.add({ kind: "http500", operationName: "VariableCollectionUpsert", times: 60 });
    const asked = await h.engine.request({ actor: alice, kind: "clear", service: "web", environment: "production" });
    if (!asked.ok) throw new Error(asked.reply.body);
    const status = { platform: "slack" as const, channelId: "C1", threadId: "1700000000.000001", messageId: "1700000000.000100" };
    await h.engine.attachMessage(asked.workflowId, status);
    await h.engine.confirm(asked.workflowId, alice);
    const done = await h.engine.settled(asked.workflowId);
    expect(done?.state).toBe("done");
    expect(done?.data.outcome).toBe("deployed");
    expect(h.noCacheOn("web", "production")).toBeUndefined();
    expect(h.count("ServiceInstanceDeployV2")).toBe(1);
    expect(h.sim.faults.pending).toBe(0);

    const trying = h.updates.find((u) => u.state === "restoring" && /still trying/.test(u.reply.body));
    expect(trying?.reply.body).toMatch(/Railway refused to remove `NO_CACHE` so far \(Railway is not answering properly/);
    // Edited once when it started failing, not once per try.
    expect(h.updates.filter((u) => u.state === "restoring")).toHaveLength(2);
    expect(h.alerts.map((a) => a.reply.title)).toEqual(["NO_CACHE is still set on web (production)", "NO_CACHE is removed from web (production)"]);
    // Posted as new messages beside the status message, in its channel and thread.
    expect(h.alerts.every((a) => a.target.channelId === "C1" && a.target.threadId === status.threadId && !("messageId" in a.target))).toBe(true);
    expect(h.alerts[0]?.reply.body).toMatch(/It keeps trying/);
    const audit = (await h.store.listAudit({ workflowId: asked.workflowId })).map((e) => e.event);
    expect(audit).toContain("workflow.restore_alert");
  });
});

describe("status messages and audit", () => {
  it("sends every update to the message attached to the workflow", async () => {
    const asked = await h.engine.request({ actor: alice, kind: "clear", service: "web", environment: "production" });
    if (!asked.ok) throw new Error(asked.reply.body);
    const ref = { platform: "slack" as const, channelId: "C1", messageId: "1700000000.000100" };
    await h.engine.attachMessage(asked.workflowId, ref);
    await h.engine.confirm(asked.workflowId, alice);
    await h.engine.idle();
    expect(h.updates.length).toBeGreaterThan(3);
    expect(h.updates.every((u) => u.workflowId === asked.workflowId && u.ref?.messageId === ref.messageId)).toBe(true);
    // The outbox edited that one message at every step and posted nothing new.
    expect(h.edits.map((e) => e.reply.body)).toEqual(h.updates.map((u) => u.reply.body));
    expect(h.edits.every((e) => e.target.channelId === "C1" && (e.target as typeof ref).messageId === ref.messageId)).toBe(true);
    expect(h.alerts).toEqual([]);
  });

  it("tells the whole story in the audit log, with Railway ids and no token", async () => {
    const wf = await clearAndConfirm();
    const entries = await h.store.listAudit({ workflowId: wf.id });
    expect(entries.map((e) => e.event)).toEqual([
      "workflow.ask",
      "workflow.confirm",
      "workflow.set_no_cache",
      "workflow.request_rebuild",
      "workflow.trigger",
      "workflow.build_started",
      "workflow.build_done",
      "workflow.restore",
      "workflow.succeed",
      "workflow.finish",
    ]);
    expect(entries[0]?.actor).toBe("slack:U0ALICE (Alice)");
    expect(entries[1]?.actor).toBe("slack:U0ALICE (Alice)");
    expect(entries[4]?.details).toMatchObject({
      newDeploymentId: wf.data.newDeploymentId,
      baseDeploymentId: wf.data.base.deploymentId,
      commit: wf.data.base.commitHash,
    });
    expect(entries[7]?.details).toMatchObject({ noCacheRemoved: true, by: "replace" });
    expect(entries.every((e) => e.service === "web" && e.environment === "production")).toBe(true);
    expect(JSON.stringify(entries)).not.toContain(DEMO_ACCOUNT_TOKEN);
  });

  it("expires overdue prompts on recovery", async () => {
    const asked = await h.engine.request({ actor: alice, kind: "clear", service: "web", environment: "production" });
    if (!asked.ok) throw new Error(asked.reply.body);
    h.sim.advance(6 * 60_000);
    expect(await h.restart().recover()).toEqual({ resumed: [], expired: [asked.workflowId] });
    expect(h.updates.at(-1)?.reply.body).toMatch(/The confirmation expired\. Nothing was changed/);
  });
});

describe("a failure path that meets a Railway outage", () => {
  it("keeps the original failure reason while it keeps trying to remove NO_CACHE", async () => {
    h.engine = h.restart({ timeouts: { buildMs: 30_000 } });
    h.sim.faults.add({ kind: "http500", operationName: "VariableCollectionUpsert", times: 15 });
    const wf = await clearAndConfirm();
    expect(wf.data.outcome).toBe("failed");
    expect(wf.data.failure).toMatch(/still BUILDING/);
    expect(h.noCacheOn("web", "production")).toBeUndefined();
    expect(h.updates.some((u) => u.state === "aborting" && /Why: the build was still BUILDING/.test(u.reply.body) && /still trying/.test(u.reply.body))).toBe(
      true,
    );
    expect(h.updates.at(-1)?.reply.body).toMatch(/Failed: the build was still BUILDING .*`NO_CACHE` was removed again/);
  });
});
