/**
 * Fault injection end to end: Railway answering 429, 5xx, timeouts, garbled or error bodies;
 * Slack refusing or rate-limiting; PostgreSQL dropping every connection. Nothing is lost: every
 * confirmed clear ends in a final state with NO_CACHE back as it was and at most one rebuild, and
 * every stale-cache warning reaches the channel exactly once.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSlackApp, type SlackApp } from "../../src/adapters/slack/app.js";
import { SlackMessenger } from "../../src/adapters/slack/messenger.js";
import { decodeAction } from "../../src/adapters/slack/render.js";
import type { RequestContext } from "../../src/core/bot-core.js";
import { Watcher } from "../../src/core/watcher/index.js";
import { workflowStatusReply } from "../../src/core/workflow/messages.js";
import { finalStates } from "../../src/core/workflow/states.js";
import { silentLogger } from "../../src/log.js";
import { RailwayClient } from "../../src/railway/client.js";
import { DEMO_ACCOUNT_TOKEN, DEMO_PROJECT_ID, startSimulator, type FaultKind, type Simulator } from "../../src/railway/simulator/index.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { Store } from "../../src/core/ports/store.js";
import { startFakeSlack, type FakeSlack } from "../fakes/slack/server.js";
import { startHarness as startDiscordHarness } from "../adapters/discord/harness.js";
import { sendToApp, slashCommandBody, blockActionsBody } from "../fakes/slack/requests.js";
import { startTestRuntime, type TestRuntime } from "../support/runtime.js";
import { startSlackFaultProxy, type SlackFault, type SlackFaultProxy } from "./slack-faults.js";
import { MessengerRegistry } from "../../src/core/messengers.js";
import { quietWebClient } from "../fakes/slack/quiet-client.js";

const BOT_TOKEN = "xoxb-1111-2222-railcache-reliability";
const SIGNING_SECRET = "3c1f0a9e7b5d2c4e6a8b0d1f3e5a7c9b";
const alice: RequestContext = {
  actor: { platform: "slack", userId: "U0ALICE", displayName: "Alice", groups: [] },
  target: { platform: "slack", channelId: "C0GENERAL" },
};

async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function noCacheOn(sim: Simulator, service: string, env: string): string | undefined {
  const instance = sim.world.instanceByName(service, env);
  return sim.world.vars(instance.serviceId, instance.environmentId).get("NO_CACHE");
}

const deploymentsSince = (sim: Simulator, at: number) => [...sim.world.deployments.values()].filter((d) => d.createdAt >= at);

/** `/railcache clear` and a click on its Confirm button, through BotCore as an adapter calls it. */
async function clearAndConfirm(t: TestRuntime, service = "web", env = "production"): Promise<string> {
  const asked = await t.runtime.bot.command(`clear ${service} ${env}`, alice);
  const confirm = asked.actions?.find((a) => a.kind === "confirm");
  if (!asked.workflowId || !confirm?.value) throw new Error(`no confirmation prompt: ${asked.title}: ${asked.body}`);
  await t.runtime.bot.action("confirm", confirm.value, alice);
  return asked.workflowId;
}

/** Lets the engine finish; a workflow it left for recovery is recovered once Railway is back. */
async function finishWorkflow(t: TestRuntime, id: string): Promise<{ state: string; outcome: unknown; recovered: boolean }> {
  const workflows = t.runtime.workflows!;
  await workflows.idle();
  let wf = await workflows.get(id);
  let recovered = false;
  if (wf && !finalStates.has(wf.state)) {
    t.sim.faults.clear();
    recovered = (await workflows.recover()).resumed.includes(id);
    await workflows.idle();
    wf = await workflows.get(id);
  }
  return { state: wf?.state ?? "missing", outcome: wf?.data.outcome, recovered };
}

describe("Railway faults during a confirmed cache clear, through BotCore", () => {
  let t: TestRuntime;
  beforeEach(async () => {
    // Timeouts cost real time: keep Railway's deadline short.
    t = await startTestRuntime({ env: { RAILWAY_TIMEOUT_MS: "500" } });
  });
  afterEach(async () => {
    await t.close();
  });

  // Every Railway request a confirmed clear makes, from confirmation to the final message.
  const operations = [
    "ProjectStatus",
    "Variables",
    "VariableUpsert",
    "RecentDeployments",
    "ServiceInstanceDeployV2",
    "Deployment",
    "VariableMeta",
    "VariableCollectionUpsert",
    "BuildLogs",
  ];
  const kinds: FaultKind[] = ["http429", "http500", "http502", "timeout", "malformedJson", "graphqlError"];
  const passing = operations.flatMap((operation) => kinds.map((kind) => ({ operation, kind })));

  /** What must hold after any fault: NO_CACHE gone, at most one uncached build, and the final message linking what is live. */
  async function expectCleanEnd(id: string, start: number) {
    expect(noCacheOn(t.sim, "web", "production")).toBeUndefined();
    const since = deploymentsSince(t.sim, start);
    expect(since.filter((d) => d.usedCache === false).length).toBeLessThanOrEqual(1);
    const wf = await t.runtime.workflows!.get(id);
    const live = since.find((d) => d.status === "SUCCESS");
    if (live) {
      expect(wf?.data.liveDeploymentId).toBe(live.id);
      expect(workflowStatusReply(wf!, t.sim.world.now).context).toContain(`id=${live.id}`);
    }
    return since;
  }

  it.each(passing)(
    "completes the rebuild despite $kind twice on $operation: one uncached build, NO_CACHE removed, the live deployment named",
    async ({ operation, kind }) => {
      const start = t.sim.world.now;
      t.sim.faults.add({ kind, operationName: operation, times: 2, retryAfterSeconds: 3 });
      const id = await clearAndConfirm(t);
      const wf = await finishWorkflow(t, id);
      expect(wf.recovered).toBe(false);
      expect(wf.state).toBe("done");
      expect(wf.outcome).toBe("deployed");
      const since = await expectCleanEnd(id, start);
      // Zero needless builds: the one rebuild, and only a deploy Railway itself starts on a variable change.
      expect(since.filter((d) => d.meta.reason !== "variable change")).toHaveLength(1);
      expect(since.filter((d) => d.usedCache === false)).toHaveLength(1);
      expect(t.sim.requests.some((r) => r.fault === kind && r.operationName === operation)).toBe(true);
    },
  );

  // Lasting hangs cost real time (0.5 s each): only where railcache changes something.
  const hangs = ["VariableUpsert", "ServiceInstanceDeployV2", "VariableCollectionUpsert"].map((operation) => ({ operation, kind: "timeout" as const }));
  const outages = [
    ...operations.flatMap((operation) => (["http500", "malformedJson", "graphqlError"] as const).map((kind) => ({ operation, kind }))),
    ...hangs,
  ];

  it.each(outages)(
    "survives a lasting $kind outage on $operation: ends by itself, NO_CACHE removed, at most one uncached build",
    async ({ operation, kind }) => {
      const start = t.sim.world.now;
      // Removing NO_CACHE never gives up: there the outage must end some time (40 requests, minutes of it).
      t.sim.faults.add({ kind, operationName: operation, times: operation === "VariableCollectionUpsert" ? (kind === "timeout" ? 10 : 40) : Infinity });
      const id = await clearAndConfirm(t).catch(() => null);
      if (id === null) {
        // The outage hit the request itself: nothing was started, nothing is locked.
        expect(operation).toBe("ProjectStatus");
        expect(await t.runtime.store.listUnfinished()).toEqual([]);
        return;
      }
      const wf = await finishWorkflow(t, id);
      expect(wf.recovered).toBe(false);
      expect(wf.state).toBe("done");
      await expectCleanEnd(id, start);
    },
  );
});

/** The real Bolt app in HTTP mode, its Web API calls going through the fault proxy to the fake Slack. */
async function startSlack(t: TestRuntime): Promise<{ slack: FakeSlack; proxy: SlackFaultProxy; app: SlackApp; endpoint: string; stop(): Promise<void> }> {
  const slack = await startFakeSlack({ botToken: BOT_TOKEN });
  const proxy = await startSlackFaultProxy(slack.apiUrl);
  const app = createSlackApp({
    config: { mode: "http", botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, port: 0, apiUrl: proxy.apiUrl, retries: 0 },
    bot: t.runtime.bot,
    log: silentLogger(),
  });
  const { port } = await app.start();
  t.runtime.messengers.register("slack", app.messenger);
  return {
    slack,
    proxy,
    app,
    endpoint: `http://127.0.0.1:${port as number}/slack/events`,
    async stop() {
      await app.stop();
      await proxy.close();
      await slack.stop();
    },
  };
}

describe("Slack failing to edit the status message during a workflow", () => {
  let t: TestRuntime;
  let s: Awaited<ReturnType<typeof startSlack>>;
  beforeEach(async () => {
    t = await startTestRuntime();
    s = await startSlack(t);
  });
  afterEach(async () => {
    await s.stop();
    await t.close();
  });

  const faults: { name: string; fault: SlackFault }[] = [
    { name: "ratelimited", fault: { kind: "ratelimited", retryAfterSec: 1 } },
    { name: "HTTP 500", fault: { kind: "http", status: 500 } },
    { name: "invalid_auth", fault: { kind: "error", error: "invalid_auth" } },
  ];

  it.each(faults)("completes the clear and removes NO_CACHE when chat.update answers $name", async ({ fault }) => {
    const start = t.sim.world.now;
    const sent = await sendToApp(
      s.endpoint,
      slashCommandBody({ text: "clear web production", userId: "U0ALICE", responseUrl: `${s.slack.hooksUrl}commands/1` }),
      { signingSecret: SIGNING_SECRET },
    );
    expect(sent.status).toBe(200);
    const [card] = await s.slack.waitForCalls("chat.postMessage");
    const elements = ((card?.args.blocks ?? []) as { type: string; elements?: { action_id: string; value?: string }[] }[]).flatMap((b) =>
      b.type === "actions" ? (b.elements ?? []) : [],
    );
    const button = elements.find((e) => e.action_id.startsWith("railcache:confirm:"));
    const workflowId = decodeAction(button?.action_id ?? "", button?.value)?.value;
    expect(workflowId, "the card carries a Confirm button").toBeTruthy();

    // From the click on, Slack refuses every edit of the card.
    s.proxy.fail("chat.update", fault, Infinity);
    const clicked = await sendToApp(
      s.endpoint,
      blockActionsBody({ actionId: button!.action_id, value: button!.value, messageTs: card!.response.ts as string, userId: "U0ALICE" }),
      { signingSecret: SIGNING_SECRET },
    );
    expect(clicked.status).toBe(200);

    const wf = await waitFor(async () => {
      const current = await t.runtime.workflows!.get(workflowId!);
      return current && finalStates.has(current.state) ? current : undefined;
    }, "the workflow to finish");
    await t.runtime.workflows!.idle();
    expect(wf.state).toBe("done");
    expect(wf.data.outcome).toBe("deployed");
    expect(noCacheOn(t.sim, "web", "production")).toBeUndefined();
    expect(deploymentsSince(t.sim, start)).toHaveLength(1);
    // Every step tried to edit the card and was refused; none of that stopped the workflow.
    expect(s.proxy.faulted("chat.update")).toBeGreaterThanOrEqual(4);
  });
});

describe("Discord rate-limiting the status message edits during a workflow", () => {
  it("completes the clear, removes NO_CACHE and still shows the outcome once Discord lets edits through", async () => {
    const t = await startTestRuntime();
    const discord = await startDiscordHarness({ bot: t.runtime.bot });
    try {
      t.runtime.messengers.register("discord", discord.discord.messenger);
      const { fake } = discord;
      const channelId = fake.channels[0]!.id;
      const alice = fake.addMember("alice");
      const start = t.sim.world.now;
      const sent = fake.slashCommand({ member: alice, command: "railcache", subcommand: "clear", options: { service: "web" } });
      await fake.waitForCall((c) => c.path.startsWith(`/interactions/${sent.id}/`));
      const messageId = sent.originalMessageId!;
      const rows = (fake.messages.get(messageId)?.data.components ?? []) as { components: { custom_id?: string }[] }[];
      const confirmId = rows.flatMap((r) => r.components).find((b) => b.custom_id?.startsWith("rc:confirm:"))?.custom_id;
      expect(confirmId, "the prompt has a Confirm button").toBeDefined();

      // Every edit of a channel message is refused with 429 for a while; discord.js waits and retries.
      fake.rateLimitNext("PATCH", new RegExp(`^/channels/${channelId}/messages/`), 100, 6);
      const click = fake.clickButton({ member: alice, messageId, customId: confirmId! });
      await fake.waitForCall((c) => c.path.startsWith(`/interactions/${click.id}/`));
      await waitFor(async () => ((await t.runtime.store.listUnfinished()).length === 0 ? true : undefined), "the workflow to finish");
      await t.runtime.workflows!.idle();
      expect(noCacheOn(t.sim, "web", "production")).toBeUndefined();
      expect(deploymentsSince(t.sim, start)).toHaveLength(1);
      expect(fake.calls.filter((c) => c.method === "PATCH" && c.status === 429).length).toBeGreaterThan(0);
      // The last edit that went through is the outcome, in the success colour.
      expect(((fake.messages.get(messageId)?.data.embeds ?? []) as { color?: number }[])[0]?.color).toBe(0x57f287);
    } finally {
      await discord.stop();
      await t.close();
    }
  });
});

describe("the watcher under Railway faults and Slack rate limits", () => {
  const WARN_CHANNEL = "C0DEPLOYS";
  let sim: Simulator;
  let dir: string;
  let store: Store;
  let slack: FakeSlack;
  let watcher: Watcher;

  async function setUp(slackRetries: number): Promise<void> {
    sim = await startSimulator();
    dir = mkdtempSync(join(tmpdir(), "railcache-reliability-"));
    store = openSqliteStore({ path: join(dir, "railcache.db"), now: sim.clock.now });
    slack = await startFakeSlack({ botToken: BOT_TOKEN });
    // The messenger the Slack adapter uses, on the same Web API client settings.
    const messenger = new SlackMessenger(quietWebClient(BOT_TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: slackRetries } }));
    watcher = new Watcher({
      railway: new RailwayClient({
        endpoint: sim.url,
        token: DEMO_ACCOUNT_TOKEN,
        tokenKind: "account",
        clock: sim.clock,
        timeoutMs: 500,
        retries: 1,
        random: () => 0.5,
      }),
      store,
      projectId: DEMO_PROJECT_ID,
      outbox: MessengerRegistry.of({ slack: messenger }),
      routing: { default: { platform: "slack", channelId: WARN_CHANNEL } },
      rules: { configFile: { enabled: false } },
      clock: sim.clock,
      log: silentLogger(),
    });
  }

  afterEach(async () => {
    await watcher.idle();
    await store.close();
    await slack.stop();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Posts to the warning channel that Slack accepted, about one deployment. */
  const warningsFor = (deploymentId: string) =>
    slack.okCallsTo("chat.postMessage").filter((c) => c.args.channel === WARN_CHANNEL && JSON.stringify(c.args).includes(deploymentId));

  /** Poll cycles 30 s apart; each also replays Railway's webhook for the crashed deployments. */
  async function cycles(n: number, hints: { deploymentId: string; serviceId: string; environmentId: string }[]): Promise<void> {
    for (let i = 0; i < n; i++) {
      await watcher.pollOnce().catch(() => undefined); // a failed poll is retried by the next one
      for (const hint of hints) await watcher.acceptHint({ ...hint, status: "CRASHED", projectId: DEMO_PROJECT_ID });
      await watcher.idle();
      sim.advance(30_000);
    }
  }

  it("delivers each stale-cache warning exactly once through failed polls, failed log reads and Slack refusing posts", async () => {
    await setUp(0);
    await watcher.pollOnce();
    const web = sim.scenario.staleCache("web", "production")!;
    const worker = sim.scenario.staleCache("worker", "staging")!;
    sim.advance(3 * 60_000);
    expect([web.status, worker.status]).toEqual(["CRASHED", "CRASHED"]);

    sim.faults.add({ kind: "http500", operationName: "ProjectStatus", times: 2 });
    sim.faults.add({ kind: "timeout", operationName: "BuildLogs", times: 2 });
    sim.faults.add({ kind: "malformedJson", operationName: "DeploymentLogs", times: 2 });
    sim.faults.add({ kind: "http429", operationName: "Deployment", times: 3, retryAfterSeconds: 1 });
    slack.rateLimit("chat.postMessage", 3, 1);
    const hints = [web, worker].map((d) => ({ deploymentId: d.id, serviceId: d.serviceId, environmentId: d.environmentId }));
    await cycles(12, hints);

    expect(slack.callsTo("chat.postMessage").filter((c) => c.status === 429).length).toBe(3);
    expect(warningsFor(web.id)).toHaveLength(1);
    expect(warningsFor(worker.id)).toHaveLength(1);
    expect(JSON.stringify(warningsFor(web.id)[0]?.args.blocks)).toMatch(/stale build cache/i);

    // Nothing more is posted about them later.
    await cycles(5, hints);
    expect(warningsFor(web.id)).toHaveLength(1);
    expect(warningsFor(worker.id)).toHaveLength(1);
  });

  it("delivers a warning once when the Slack client itself waits out a rate limit", async () => {
    await setUp(2);
    await watcher.pollOnce();
    const web = sim.scenario.staleCache("web", "production")!;
    sim.advance(3 * 60_000);
    slack.rateLimit("chat.postMessage", 2, 1);
    await cycles(3, []);
    expect(slack.callsTo("chat.postMessage").map((c) => c.status)).toEqual([429, 429, 200]);
    expect(warningsFor(web.id)).toHaveLength(1);
  });
});

const databaseUrl = process.env.RAILCACHE_TEST_DATABASE_URL;
if (!databaseUrl)
  console.warn("RAILCACHE_TEST_DATABASE_URL is not set: skipping the PostgreSQL restart test (CI sets it to postgres://postgres@127.0.0.1:5432/test).");

describe.skipIf(!databaseUrl)("PostgreSQL dropping every connection during a workflow", () => {
  const schema = `railcache_reliability_${randomBytes(4).toString("hex")}`;
  let admin: pg.Client;
  let t: TestRuntime | undefined;

  beforeEach(async () => {
    admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect(); // set but unreachable: this fails the test, as it should
    await admin.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(schema)}`);
  });
  afterEach(async () => {
    await t?.close().catch(() => undefined);
    await admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
    await admin.end();
  });

  /**
   * What a server restart does to a client: every session is killed. Only this test's sessions
   * (by application_name): other tests may be using the same database at the same time.
   */
  async function terminateConnections(): Promise<number> {
    const result = await admin.query<{ ok: boolean }>(
      "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = $1",
      [schema],
    );
    return result.rows.filter((r) => r.ok).length;
  }

  it("finishes the clear with NO_CACHE removed after its connections are terminated mid-run", async () => {
    const url = new URL(databaseUrl as string);
    url.searchParams.set("options", `-c search_path=${schema}`);
    url.searchParams.set("application_name", schema);
    // Railway answers the rebuild and the first poll slowly, so the connections die while steps are in flight.
    t = await startTestRuntime({ env: { DATABASE_URL: url.toString(), RAILWAY_TIMEOUT_MS: "5000" } });
    const start = t.sim.world.now;
    t.sim.faults.add({ kind: "timeout", operationName: "ServiceInstanceDeployV2", delayMs: 400 });
    t.sim.faults.add({ kind: "timeout", operationName: "Deployment", delayMs: 400 });

    const id = await clearAndConfirm(t);
    let killed = 0;
    await waitFor(() => (t!.sim.requests.some((r) => r.operationName === "ServiceInstanceDeployV2") ? true : undefined), "the rebuild request");
    killed += await terminateConnections();
    await waitFor(() => (t!.sim.requests.some((r) => r.operationName === "Deployment") ? true : undefined), "the first poll");
    killed += await terminateConnections();
    expect(killed, "railcache's connections were terminated").toBeGreaterThan(0);

    const wf = await finishWorkflow(t, id);
    expect(wf.state).toBe("done");
    expect(noCacheOn(t.sim, "web", "production")).toBeUndefined();
    expect(deploymentsSince(t.sim, start).length).toBeLessThanOrEqual(1);
    const audit = await t.runtime.store.listAudit({ workflowId: id });
    expect(audit.map((e) => e.event)).toContain("workflow.restore");
  });

  it("finishes the clear, after recovery if need be, when its connections keep being killed throughout the run", async () => {
    const url = new URL(databaseUrl as string);
    url.searchParams.set("options", `-c search_path=${schema}`);
    url.searchParams.set("application_name", schema);
    t = await startTestRuntime({ env: { DATABASE_URL: url.toString(), RAILWAY_TIMEOUT_MS: "5000" } });
    const start = t.sim.world.now;
    for (const operation of ["VariableUpsert", "ServiceInstanceDeployV2", "Deployment", "VariableDelete"])
      t.sim.faults.add({ kind: "timeout", operationName: operation, delayMs: 150 });

    const id = await clearAndConfirm(t);
    // Kill every connection of ours every few milliseconds until the engine stops driving.
    let killed = 0;
    let driving = true;
    const storm = (async () => {
      while (driving) {
        killed += await terminateConnections();
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
    })();
    await t.runtime.workflows!.idle();
    driving = false;
    await storm;
    expect(killed).toBeGreaterThan(0);

    const wf = await finishWorkflow(t, id);
    expect(wf.state).toBe("done");
    expect(noCacheOn(t.sim, "web", "production")).toBeUndefined();
    expect(deploymentsSince(t.sim, start).length).toBeLessThanOrEqual(1);
  });
});
