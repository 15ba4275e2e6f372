/**
 * Signed Railway webhooks end to end: `railcache webhook setup` creates (then updates, never
 * duplicates) a notification rule in the simulator, Railway's deliveries through the rule are
 * signed with x-webhook-signature and accepted, and a bad or missing signature gets 401 and is
 * counted. Nothing of ours is faked: the receiver is the real handler on a local port.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { setupWebhookRule, webhookUrl } from "../../src/adapters/cli/webhook.js";
import { createWebhookHandler } from "../../src/http/webhooks.js";
import { checkSignature, signBody } from "../../src/http/webhook-signature.js";
import { createLogger } from "../../src/log.js";
import { createMetrics, type Metrics } from "../../src/metrics.js";
import { RailwayClient } from "../../src/railway/client.js";
import { DEMO_ACCOUNT_TOKEN, DEMO_PROJECT_ID, deliverWebhook, deploymentEventPayload, notifyRules } from "../fakes/railway.js";
import { createHarness, type Harness } from "../core/watcher/harness.js";

const PATH_SECRET = "wh-path-3c1a7e5b2d4c6e8a0b1c3d5e";
const SIGNING_SECRET = "wh-sign-Zt8vQ2mN4pR6sX1yB3cD5fG7";

let h: Harness;
let server: Server;
let base: string;
let logText: string;
let metrics: Metrics;

afterEach(async () => {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await h.close();
  server = undefined as unknown as Server;
});

async function setUp(): Promise<RailwayClient> {
  h = await createHarness({ watcher: { rules: { configFile: { enabled: false } } } });
  logText = "";
  metrics = createMetrics({ processMetrics: false });
  const handler = createWebhookHandler({
    secret: PATH_SECRET,
    signingSecret: SIGNING_SECRET,
    watcher: { acceptHint: (hint) => h.watcher.acceptHint(hint) },
    log: createLogger({ destination: new Writable({ write: (chunk: Buffer, _e, done) => ((logText += chunk.toString()), done()) }) }),
    onRejected: (reason) => metrics.webhooksRejected.inc({ reason }),
  });
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return new RailwayClient({ endpoint: h.sim.url, token: DEMO_ACCOUNT_TOKEN, tokenKind: "account" });
}

const rejected = async (reason: string) => (await metrics.webhooksRejected.get()).values.find((v) => v.labels.reason === reason)?.value ?? 0;
const input = () => ({ projectId: DEMO_PROJECT_ID, publicUrl: `${base}/`, pathSecret: PATH_SECRET, signingSecret: SIGNING_SECRET });

describe("x-webhook-signature", () => {
  it("is the hex HMAC-SHA256 of the raw body; a changed byte, a wrong secret or no header fails", () => {
    const raw = Buffer.from('{"type":"Deployment.failed"}');
    const good = signBody(raw, SIGNING_SECRET);
    expect(checkSignature(raw, good, SIGNING_SECRET)).toBe("valid");
    expect(checkSignature(raw, `sha256=${good.toUpperCase()}`, SIGNING_SECRET)).toBe("valid");
    expect(checkSignature(Buffer.from('{"type":"Deployment.crashed"}'), good, SIGNING_SECRET)).toBe("invalid");
    expect(checkSignature(raw, signBody(raw, "another-secret-of-24-chars!!"), SIGNING_SECRET)).toBe("invalid");
    expect(checkSignature(raw, undefined, SIGNING_SECRET)).toBe("missing");
    expect(checkSignature(raw, "zz", SIGNING_SECRET)).toBe("invalid");
  });
});

describe("railcache webhook setup", () => {
  it("creates one rule, updates it on a second run, and reports the test delivery", async () => {
    const client = await setUp();
    const first = await setupWebhookRule(client, input());
    expect(first).toMatchObject({ action: "created", duplicates: [] });
    expect(h.sim.world.notificationRules).toHaveLength(1);
    const [rule] = h.sim.world.notificationRules;
    expect(rule).toMatchObject({ projectId: DEMO_PROJECT_ID, eventTypes: ["Deployment.failed", "Deployment.crashed", "Deployment.deployed"] });
    expect(rule!.channels).toEqual([expect.objectContaining({ type: "WEBHOOK", webhookUrl: webhookUrl(base, PATH_SECRET), webhookSecret: SIGNING_SECRET })]);
    // Railway's webhookTest is not known to sign: the receiver refuses it, and setup says what that means.
    expect(first).toMatchObject({ testStatus: 401, verdict: "reached_unsigned" });

    const second = await setupWebhookRule(client, { ...input(), signingSecret: `${SIGNING_SECRET}-rotated` });
    expect(second).toMatchObject({ action: "updated", ruleId: first.ruleId });
    expect(h.sim.world.notificationRules).toHaveLength(1);
    expect(h.sim.world.notificationRules[0]!.channels[0]!.webhookSecret).toBe(`${SIGNING_SECRET}-rotated`);
    for (const result of [first, second]) expect(JSON.stringify(result)).not.toContain(PATH_SECRET);
  });

  it("says 'delivered' when Railway's test delivery is signed, and 'wrong path' for another URL secret", async () => {
    const client = await setUp();
    h.sim.world.settings.webhookTestSigned = true;
    expect(await setupWebhookRule(client, input())).toMatchObject({ testStatus: 202, verdict: "delivered" });
    expect(await setupWebhookRule(client, { ...input(), pathSecret: "wh-path-not-the-bots-secret-000" })).toMatchObject({
      testStatus: 404,
      verdict: "wrong_path",
      action: "updated",
    });
  });
});

describe("the receiver with a signing secret", () => {
  it("accepts Railway's signed deliveries through the rule and hands the hint to the watcher", async () => {
    const client = await setUp();
    await setupWebhookRule(client, input());
    const deployment = h.sim.scenario.plainFailure("worker", "production", { status: "FAILED" })!;
    h.sim.advance(5 * 60_000);
    expect(await notifyRules(h.sim.world, deployment, "failed")).toEqual([202]);
    expect(logText).toContain('"event":"webhook.received"');
    expect(await rejected("signature_invalid")).toBe(0);
  });

  it("rejects a bad or missing signature with 401, counts it, and logs neither secret nor signature", async () => {
    const client = await setUp();
    await setupWebhookRule(client, { ...input(), signingSecret: "wh-sign-WRONG-secret-of-the-sender" });
    const deployment = h.sim.scenario.plainFailure("worker", "production", { status: "FAILED" })!;
    h.sim.advance(5 * 60_000);
    expect(await notifyRules(h.sim.world, deployment, "failed")).toEqual([401]);
    expect(await deliverWebhook(webhookUrl(base, PATH_SECRET), deploymentEventPayload(h.sim.world, deployment, "failed"), null)).toBe(401);
    expect(await rejected("signature_invalid")).toBe(1);
    // One from setup's unsigned test delivery, one here.
    expect(await rejected("signature_missing")).toBe(2);
    expect(logText).toContain('"reason":"signature_invalid"');
    for (const secret of [SIGNING_SECRET, "wh-sign-WRONG-secret-of-the-sender", PATH_SECRET]) expect(logText).not.toContain(secret);
    expect(logText).not.toContain('"event":"webhook.received"');
  });
});
