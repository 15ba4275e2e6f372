/**
 * The Prometheus counters the composition root wires to core's hooks: Railway requests (by
 * operation and `ok` or failure kind), warnings posted (by watcher rule) and chat API errors.
 */
import { afterEach, describe, expect, it } from "vitest";
import { SlackMessenger } from "../src/adapters/slack/messenger.js";
import type { RequestContext } from "../src/core/bot-core.js";
import { createMetrics, type Metrics } from "../src/metrics.js";
import { startFakeSlack, type FakeSlack } from "./fakes/slack/server.js";
import { startTestRuntime, type TestRuntime } from "./support/runtime.js";
import { quietWebClient } from "./fakes/slack/quiet-client.js";

const BOT_TOKEN = "xoxb-1111-2222-railcache-bot-token";
const ctx: RequestContext = {
  actor: { platform: "slack", userId: "U0ALICE", displayName: "Alice", groups: [] },
  target: { platform: "slack", channelId: "C0GENERAL" },
};

let t: TestRuntime | undefined;
let slack: FakeSlack | undefined;
afterEach(async () => {
  await t?.close();
  await slack?.stop();
  t = undefined;
  slack = undefined;
});

/** The value of one sample in the registry's text exposition, 0 when it is not there. */
async function sample(metrics: Metrics, name: string, labels: Record<string, string>): Promise<number> {
  const text = await metrics.registry.metrics();
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split("\n")) {
    const match = /^([a-z_]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = match[2]!.split(",");
    if (wanted.length === have.length && wanted.every((w) => have.includes(w))) return Number(match[3]);
  }
  return 0;
}

describe("metrics wiring", () => {
  it("counts the Railway request behind a status command by operation, with status ok", async () => {
    const metrics = createMetrics({ processMetrics: false });
    t = await startTestRuntime({ metrics });
    const reply = await t.runtime.bot.command("status web", ctx);
    expect(reply.tone).not.toBe("error");

    const sent = t.sim.requests.filter((r) => r.operationName === "ProjectStatus").length;
    expect(sent).toBeGreaterThan(0);
    expect(await sample(metrics, "railcache_railway_requests_total", { operation: "ProjectStatus", status: "ok" })).toBe(sent);
    expect(await metrics.registry.metrics()).toContain('railcache_railway_requests_total{operation="ProjectStatus",status="ok"}');
  });

  it("counts a failed Railway attempt by its failure kind, and the retry that succeeded as ok", async () => {
    const metrics = createMetrics({ processMetrics: false });
    t = await startTestRuntime({ metrics });
    t.sim.faults.add({ kind: "http500", operationName: "ProjectStatus" });
    await t.runtime.bot.command("status web", ctx);

    expect(await sample(metrics, "railcache_railway_requests_total", { operation: "ProjectStatus", status: "unavailable" })).toBe(1);
    expect(await sample(metrics, "railcache_railway_requests_total", { operation: "ProjectStatus", status: "ok" })).toBeGreaterThanOrEqual(1);
  });

  it("counts a posted warning by rule, and each refused chat post by platform", async () => {
    slack = await startFakeSlack({ botToken: BOT_TOKEN, channels: ["C0ALERTS", "C0WORKER"] });
    const metrics = createMetrics({ processMetrics: false });
    const policyToml = [
      "[watcher.rules]",
      "config_file = false",
      "[[watcher.route]]",
      'service = "worker"',
      'slack_channel = "C0WORKER"',
      "[[watcher.route]]",
      'service = "web"',
      'slack_channel = "C0GONE"', // not a channel the fake Slack knows: channel_not_found
    ].join("\n");
    t = await startTestRuntime({ metrics, policyToml, watch: { routing: { default: { platform: "slack", channelId: "C0ALERTS" } } } });
    const { runtime, sim } = t;
    runtime.messengers.register("slack", new SlackMessenger(quietWebClient(BOT_TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } })));
    const watcher = runtime.watcher!;

    sim.scenario.staleCache("worker", "production");
    sim.scenario.staleCache("web", "production");
    for (let elapsed = 0; elapsed <= 3 * 60_000; elapsed += 30_000) {
      await watcher.pollOnce();
      await watcher.idle();
      sim.advance(30_000);
    }

    const posted = slack.messages.filter((m) => m.channel === "C0WORKER");
    expect(posted).toHaveLength(1);
    expect(JSON.stringify(posted[0]?.blocks)).toMatch(/stale build cache/);
    expect(await sample(metrics, "railcache_warnings_posted_total", { rule: "stale_cache" })).toBe(1);

    const refused = slack.callsTo("chat.postMessage").filter((c) => c.response.error === "channel_not_found");
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(await sample(metrics, "railcache_chat_api_errors_total", { platform: "slack" })).toBe(refused.length);
  });
});
