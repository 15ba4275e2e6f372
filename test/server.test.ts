/**
 * The long-running bot as deployed: `railcache start` in a child process, Slack in HTTP mode
 * against the fake Slack, Railway against the simulator, all on one port with health checks,
 * metrics and the webhook endpoint; then SIGTERM.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botScopes } from "../src/adapters/slack/manifest.js";
import { createAnswerEngine, loadKnowledgeBase } from "../src/core/kb/index.js";
import { DEMO_ACCOUNT_TOKEN, DEMO_PROJECT_ID, startSimulator, type Simulator } from "../src/railway/simulator/index.js";
import { formContentType, sendToApp, slashCommandBody } from "./fakes/slack/requests.js";
import { startFakeSlack, type FakeSlack } from "./fakes/slack/server.js";

const root = path.resolve(import.meta.dirname, "..");
const BOT_TOKEN = "xoxb-9999-8888-server-test-token";
const SIGNING_SECRET = "0123456789abcdef0123456789abcdef";
const WEBHOOK_SECRET = "wh-secret-that-is-long-enough-1234567890";

let slack: FakeSlack;
let sim: Simulator;
let child: ChildProcess;
let base: string;
let output = "";
const dir = mkdtempSync(path.join(tmpdir(), "railcache-server-"));
const policyPath = path.join(dir, "railcache.toml");
/** Only U0OPS may read the audit log; everything else is open. */
const auditForOps = '[[allow]]\nname = "audit readers"\npermissions = ["audit"]\nusers = ["U0OPS"]\n';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(check: () => Promise<boolean> | boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  slack = await startFakeSlack({ botToken: BOT_TOKEN, scopes: botScopes(), channels: ["C0GENERAL", "C0ALERTS"] });
  sim = await startSimulator({ autoAdvance: true });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  writeFileSync(policyPath, auditForOps);
  child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "start"], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      SLACK_WARN_CHANNEL: "C0ALERTS",
      RAILWAY_API_TOKEN: DEMO_ACCOUNT_TOKEN,
      RAILWAY_PROJECT_ID: DEMO_PROJECT_ID,
      RAILWAY_API_URL: sim.url,
      RAILCACHE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      RAILCACHE_DB: path.join(dir, "railcache.db"),
      RAILCACHE_CONFIG: policyPath,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "debug",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  // Liveness comes first (the port opens before Slack connects); requests wait for readiness.
  await waitFor(async () => (await fetch(`${base}/healthz`).catch(() => null))?.ok === true, "/healthz");
  await waitFor(async () => (await fetch(`${base}/readyz`).catch(() => null))?.ok === true, "/readyz");
}, 60_000);

afterAll(async () => {
  if (child.exitCode === null) child.kill("SIGKILL");
  await slack.stop();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("railcache start (Slack HTTP mode)", () => {
  it("is ready once Slack and the store are", async () => {
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ready: true, checks: { slack: true, store: true } });
  });

  it("answers a signed slash command on the shared port and counts the question", async () => {
    const question = "my build cache is stale after adding a model";
    const res = await sendToApp(`${base}/slack/events`, slashCommandBody({ text: `ask ${question}` }), {
      signingSecret: SIGNING_SECRET,
    });
    expect(res.status).toBe(200);
    // A question needs no Railway call, so the answer rides in the ack itself: the section the
    // built-in knowledge base answers it with (which one is the engine's business, tested there).
    const answer = (await res.json()) as { response_type: string; text: string };
    expect(answer.response_type).toBe("in_channel");
    const expected = createAnswerEngine(loadKnowledgeBase()).answer(question);
    expect(expected.matched).toBe(true);
    expect(answer.text).toContain(expected.section!.title);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/railcache_questions_total\{matched="true"\} 1/);
    expect(metrics).toMatch(/nodejs_eventloop_lag_seconds/);
  });

  it("refuses an unsigned Slack request", async () => {
    const res = await sendToApp(`${base}/slack/events`, slashCommandBody({ text: "help" }), { signingSecret: "not-the-secret" });
    expect(res.status).toBe(401);
  });

  it("hides the webhook behind its secret and rejects a malformed body", async () => {
    const wrong = await fetch(`${base}/webhooks/railway/not-the-secret`, { method: "POST", body: "{}" });
    expect(wrong.status).toBe(404);
    const malformed = await fetch(`${base}/webhooks/railway/${WEBHOOK_SECRET}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{nope",
    });
    expect(malformed.status).toBe(400);
  });

  it("says at start-up which policy it runs with", () => {
    expect(output).toMatch(/"event":"policy.loaded"/);
    expect(output).not.toMatch(/"event":"policy.open"/);
  });

  it("answers a signed payload=null and a signed JSON null with 400 and keeps serving", async () => {
    for (const delivery of [
      { body: "payload=null", contentType: formContentType },
      { body: "null", contentType: "application/json" },
    ]) {
      const res = await sendToApp(`${base}/slack/events`, delivery, { signingSecret: SIGNING_SECRET });
      expect(res.status).toBe(400);
    }
    expect(child.exitCode).toBeNull();
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it("reloads the policy file on SIGHUP, and refuses a broken one keeping the policy in force", async () => {
    const ephemerals = () => slack.callsTo("chat.postEphemeral").map((c) => String(c.args.text ?? JSON.stringify(c.args.blocks)));
    const audit = async () => {
      const before = ephemerals().length;
      const res = await sendToApp(`${base}/slack/events`, slashCommandBody({ text: "audit", userId: "U0ALICE" }), { signingSecret: SIGNING_SECRET });
      expect(res.status).toBe(200);
      await waitFor(() => ephemerals().length > before, "the reply to /railcache audit");
      return ephemerals().at(-1) as string;
    };
    expect(await audit()).toMatch(/Not allowed/);

    writeFileSync(policyPath, auditForOps.replace('"U0OPS"', '"U0OPS", "U0ALICE"'));
    child.kill("SIGHUP");
    await waitFor(() => /"event":"policy.reloaded"/.test(output), "the reload");
    expect(await audit()).toMatch(/Audit log/);

    writeFileSync(policyPath, '[[allow]]\npermissions = ["audit"]\nusers = ["U0OPS"]\nspeling = true\n');
    child.kill("SIGHUP");
    await waitFor(() => /"event":"policy.reload_rejected"/.test(output), "the refusal of the broken file");
    expect(output).toMatch(/line 4: `allow\[0\]\.speling`/);
    expect(await audit()).toMatch(/Audit log/);
    expect(child.exitCode).toBeNull();
  });

  it("drains and exits cleanly on SIGTERM, never having logged a secret", async () => {
    child.kill("SIGTERM");
    await waitFor(() => child.exitCode !== null, "exit after SIGTERM", 15_000);
    expect(child.exitCode).toBe(0);
    for (const secret of [BOT_TOKEN, SIGNING_SECRET, WEBHOOK_SECRET, DEMO_ACCOUNT_TOKEN]) expect(output).not.toContain(secret);
    expect(output).toMatch(/"event":"shutdown.done"/);
    // The watcher posted its warnings (the demo web service still reads railway.toml) to the warn channel.
    expect(slack.callsTo("chat.postMessage").some((c) => c.args.channel === "C0ALERTS" && c.response.ok === true)).toBe(true);
  });
});
