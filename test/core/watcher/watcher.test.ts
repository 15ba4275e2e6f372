import { afterEach, describe, expect, it } from "vitest";
import { findServiceInstance } from "../../../src/core/status.js";
import { parseActionValue } from "../../../src/core/watcher/index.js";
import { alerts, createHarness, stagingAlerts, type Harness } from "./harness.js";

let h: Harness;
afterEach(async () => {
  await h.close();
});

const noConfigWarning = { rules: { configFile: { enabled: false } } };

describe("Watcher: failures", () => {
  it("posts exactly one stale-cache warning with working buttons for a stale-cache crash", async () => {
    h = await createHarness({ watcher: noConfigWarning });
    const deployment = h.sim.scenario.staleCache("web", "production")!;
    await h.pollFor(3 * 60_000);

    expect(deployment.status).toBe("CRASHED");
    const cards = h.messenger.cardsFor(deployment.id);
    expect(cards).toHaveLength(1);
    expect(h.messenger.posts).toHaveLength(1);
    const { ref, reply } = cards[0]!;
    expect(ref.channelId).toBe(alerts.channelId);
    expect(reply.title).toMatch(/web \(production\) crashed: looks like a stale build cache/);
    expect(reply.body).toContain(String(deployment.meta.commitHash).slice(0, 7));
    expect(reply.code?.[0]?.text).toContain("FieldError: Invalid field name(s) given in select_related: 'customer'");

    const clear = reply.actions?.find((a) => a.kind === "clear");
    const parsed = parseActionValue(clear!.value!);
    expect(parsed).toEqual({ service: "web", environment: "production" });
    const resolved = findServiceInstance(await h.railway.projectStatus(deployment.projectId), parsed!.service, parsed!.environment);
    expect(resolved.kind === "found" && resolved.instance.latestDeployment?.id).toBe(deployment.id);

    const logs = reply.actions?.find((a) => a.kind === "link");
    expect(logs?.url).toContain(`id=${deployment.id}`);

    const mute = reply.actions?.find((a) => a.kind === "mute");
    await h.watcher.handleAction("mute", mute!.value!);
    expect(await h.watcher.mutedUntil(deployment.serviceId, deployment.environmentId)).toBe(h.sim.clock.now() + 60 * 60_000);
  });

  it("posts a plain failure notice without cache advice for a syntax error", async () => {
    h = await createHarness({ watcher: noConfigWarning });
    const deployment = h.sim.scenario.plainFailure("web", "staging")!;
    await h.pollFor(3 * 60_000);

    const cards = h.messenger.cardsFor(deployment.id);
    expect(cards).toHaveLength(1);
    const { ref, reply } = cards[0]!;
    expect(ref.channelId).toBe(stagingAlerts.channelId);
    expect(reply.title).toBe("web (staging) crashed");
    expect(reply.code?.[0]?.text).toContain("SyntaxError");
    expect(reply.body).toContain("**Likely cause:** a syntax error in the code.");
    expect(`${reply.title} ${reply.body}`).not.toMatch(/cache/i);
    expect(reply.actions?.map((a) => a.kind)).toEqual(["link", "mute"]);
  });

  it("names the package to add when a deploy fails on one missing from requirements.txt, and offers no cache clear", async () => {
    h = await createHarness({ watcher: noConfigWarning });
    const deployment = h.sim.scenario.plainFailure("web", "staging", { cause: "missing_package" })!;
    await h.pollFor(3 * 60_000);

    const cards = h.messenger.cardsFor(deployment.id);
    expect(cards).toHaveLength(1);
    const { reply } = cards[0]!;
    expect(reply.title).toBe("web (staging) crashed");
    expect(reply.body).toContain("**Likely cause:** a Python package missing from requirements.txt.");
    expect(reply.body).toContain("Add `psycopg2-binary` to requirements.txt");
    expect(reply.actions?.map((a) => a.kind)).toEqual(["link", "mute"]);
  });

  it("does not post a card for a failure that was already history when first seen", async () => {
    h = await createHarness({ watcher: noConfigWarning });
    const deployment = h.sim.scenario.plainFailure("worker", "production")!;
    h.sim.advance(3 * 60 * 60_000);
    await h.pollFor(60_000);
    expect(deployment.status).toBe("CRASHED");
    expect(h.messenger.posts).toHaveLength(0);
  });
});

describe("Watcher: one card per deployment", () => {
  it("edits the card in place as the status moves from stuck BUILDING to CRASHED", async () => {
    h = await createHarness({ watcher: { rules: { configFile: { enabled: false }, building: { afterMs: 10_000 } } } });
    const deployment = h.sim.scenario.staleCache("web", "production")!;
    await h.pollFor(3 * 60_000, 5_000);

    const cards = h.messenger.cardsFor(deployment.id);
    expect(cards).toHaveLength(1);
    expect(cards[0]!.reply.title).toMatch(/has been building/);
    // Every later status is an edit of the same message; the last one is the stale-cache warning.
    expect(h.messenger.posts).toHaveLength(1);
    expect(h.messenger.updates.length).toBeGreaterThanOrEqual(1);
    expect(h.messenger.updates.every((u) => u.ref.messageId === cards[0]!.ref.messageId)).toBe(true);
    expect(h.messenger.current.get(cards[0]!.ref.messageId)?.title).toMatch(/stale build cache/);
    expect(h.messenger.current.get(cards[0]!.ref.messageId)?.actions?.some((a) => a.kind === "clear")).toBe(true);
  });

  it("edits an approval card into 'is live' once the deployment succeeds", async () => {
    h = await createHarness({ watcher: noConfigWarning });
    h.world.instanceByName("worker", "production").requiresApproval = true;
    const deployment = h.sim.scenario.push("worker", "production", { message: "Nightly cleanup job" });
    await h.pollFor(60_000);
    expect(deployment.status).toBe("NEEDS_APPROVAL");
    const [card] = h.messenger.cardsFor(deployment.id);
    expect(card?.reply.title).toBe("worker (production) is waiting for approval");

    h.world.approve(deployment);
    await h.pollFor(2 * 60_000);
    expect(deployment.status).toBe("SUCCESS");
    expect(h.messenger.cardsFor(deployment.id)).toHaveLength(1);
    const live = h.messenger.current.get(card!.ref.messageId);
    expect(live?.title).toBe("worker (production) is live");
    expect(live?.body).toContain("Earlier: worker (production) is waiting for approval");
    expect(h.messenger.posts).toHaveLength(1);
    expect(h.messenger.updates.every((u) => u.ref.messageId === card!.ref.messageId)).toBe(true);
  });

  it("posts nothing again after a restart on the same store", async () => {
    h = await createHarness();
    const deployment = h.sim.scenario.staleCache("web", "production")!;
    await h.pollFor(3 * 60_000);
    const posted = h.messenger.posts.length;
    const updated = h.messenger.updates.length;
    expect(h.messenger.cardsFor(deployment.id)).toHaveLength(1);

    h.watcher = h.restart();
    await h.pollFor(2 * 60_000);
    expect(h.messenger.posts).toHaveLength(posted);
    expect(h.messenger.updates).toHaveLength(updated);
  });
});

describe("Watcher: mute and cooldown", () => {
  it("posts no new card for a muted service until the mute ends", async () => {
    h = await createHarness({ watcher: noConfigWarning });
    const web = h.world.instanceByName("web", "production");
    await h.watcher.mute(web.serviceId, web.environmentId, 60 * 60_000);
    const muted = h.sim.scenario.staleCache("web", "production")!;
    await h.pollFor(3 * 60_000);
    expect(muted.status).toBe("CRASHED");
    expect(h.messenger.posts).toHaveLength(0);

    h.sim.advance(60 * 60_000);
    const later = h.world.deploy(web.serviceId, web.environmentId);
    await h.pollFor(3 * 60_000);
    expect(later.status).toBe("CRASHED");
    expect(h.messenger.cardsFor(later.id)).toHaveLength(1);
  });

  it("posts one card per service within the cooldown, and again after it", async () => {
    h = await createHarness({ watcher: noConfigWarning });
    const web = h.world.instanceByName("web", "production");
    const first = h.sim.scenario.staleCache("web", "production")!;
    await h.pollFor(3 * 60_000);
    const second = h.world.deploy(web.serviceId, web.environmentId);
    await h.pollFor(3 * 60_000);
    expect(second.status).toBe("CRASHED");
    expect(h.messenger.cardsFor(first.id)).toHaveLength(1);
    expect(h.messenger.cardsFor(second.id)).toHaveLength(0);

    h.sim.advance(10 * 60_000);
    const third = h.world.deploy(web.serviceId, web.environmentId);
    await h.pollFor(3 * 60_000);
    expect(h.messenger.cardsFor(third.id)).toHaveLength(1);
  });
});

describe("Watcher: other rules", () => {
  it("warns once that railway.toml stops being read on 2026-12-01, across polls and restarts", async () => {
    h = await createHarness();
    await h.pollFor(2 * 60_000);
    h.watcher = h.restart();
    await h.pollFor(60_000);
    const warnings = h.messenger.posts.filter((p) => p.reply.context === "railcache watcher · config as code");
    expect(warnings).toHaveLength(1);
    const { reply } = warnings[0]!;
    expect(reply.title).toBe("web still reads railway.toml");
    expect(reply.body).toContain("config files stop being read on 2026-12-01, in 6 days");
    expect(reply.body).toContain("drops the restart policy");
    expect(reply.body).toContain("railway config migrate");
    expect(reply.body).toContain(".railway/railway.ts");
    expect(reply.body).toMatch(/pre-deploy command/);
  });

  it("warns softly about a burst of 5xx after a successful deploy", async () => {
    h = await createHarness({ watcher: noConfigWarning });
    const deployment = h.sim.scenario.push("web", "staging", { message: "Show order totals" });
    await h.pollFor(2 * 60_000);
    expect(deployment.status).toBe("SUCCESS");
    expect(h.messenger.posts).toHaveLength(0);

    h.sim.scenario.http5xxBurst("web", "staging", { count: 20, path: "/orders/" });
    await h.pollFor(6 * 60_000);
    const cards = h.messenger.cardsFor(deployment.id);
    expect(cards).toHaveLength(1);
    expect(cards[0]!.reply.title).toBe("web (staging): 500s after a successful deploy");
    expect(cards[0]!.reply.tone).toBe("warning");
    expect(cards[0]!.reply.code?.[0]?.text).toContain("20 × /orders/");
  });

  it("does not warn about a handful of 5xx", async () => {
    h = await createHarness({ watcher: noConfigWarning });
    h.sim.scenario.push("web", "staging", { message: "Show order totals" });
    await h.pollFor(2 * 60_000);
    h.sim.scenario.http5xxBurst("web", "staging", { count: 3 });
    await h.pollFor(12 * 60_000);
    expect(h.messenger.posts).toHaveLength(0);
  });

  it("reminds about a forgotten NO_CACHE and removes it from the button", async () => {
    h = await createHarness({ watcher: { rules: { configFile: { enabled: false }, noCache: { afterMs: 30 * 60_000 } } } });
    const worker = h.world.instanceByName("worker", "production");
    h.world.vars(worker.serviceId, worker.environmentId).set("NO_CACHE", "1");
    h.sim.scenario.push("worker", "production", { message: "Faster invoice emails" });
    await h.pollFor(20 * 60_000, 60_000);
    expect(h.messenger.posts).toHaveLength(0);

    await h.pollFor(15 * 60_000, 60_000);
    expect(h.messenger.posts).toHaveLength(1);
    const { ref, reply } = h.messenger.posts[0]!;
    expect(reply.title).toBe("NO_CACHE is still set on worker (production)");
    const remove = reply.actions?.find((a) => a.kind === "remove_no_cache");

    const answer = await h.watcher.handleAction("remove_no_cache", remove!.value!, "Alice");
    expect(answer.title).toBe("NO_CACHE removed");
    expect(h.world.vars(worker.serviceId, worker.environmentId).has("NO_CACHE")).toBe(false);
    expect(h.messenger.current.get(ref.messageId)?.title).toBe("NO_CACHE removed from worker (production)");

    await h.pollFor(60 * 60_000, 60_000);
    expect(h.messenger.posts).toHaveLength(1);
  });
});
