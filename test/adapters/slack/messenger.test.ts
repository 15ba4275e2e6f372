import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Writable } from "node:stream";
import type { WebClient } from "@slack/web-api";
import { SlackMessenger } from "../../../src/adapters/slack/messenger.js";
import { SlackUserGroups } from "../../../src/adapters/slack/user-groups.js";
import { botScopes } from "../../../src/adapters/slack/manifest.js";
import { createLogger } from "../../../src/log.js";
import { startFakeSlack, type FakeSlack } from "../../fakes/slack/server.js";
import { BOT_TOKEN } from "./harness.js";
import { quietWebClient } from "../../fakes/slack/quiet-client.js";

let slack: FakeSlack;
let logs: Record<string, unknown>[];
beforeEach(async () => {
  slack = await startFakeSlack({
    botToken: BOT_TOKEN,
    scopes: botScopes(),
    userGroups: [
      { id: "S0OPS", handle: "ops", users: ["U0ALICE"] },
      { id: "S0DEVS", handle: "devs", users: ["U0ALICE", "U0BOB"] },
    ],
  });
  logs = [];
});
afterEach(async () => {
  await slack.stop();
});

function client(retries = 0): WebClient {
  return quietWebClient(BOT_TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries } });
}

function logger() {
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return createLogger({ destination });
}

describe("SlackMessenger", () => {
  it("posts a reply as Block Kit in a thread and returns a ref that updates the same message", async () => {
    const messenger = new SlackMessenger(client());
    const ref = await messenger.post({ platform: "slack", channelId: "C0DEPLOYS", threadId: "1.000001" }, { title: "Deploying", body: "step 1" });
    expect(ref).toMatchObject({ platform: "slack", channelId: "C0DEPLOYS", threadId: "1.000001" });
    await messenger.update(ref, { title: "Deployed", body: "done", tone: "success" });
    const message = slack.messages.find((m) => m.ts === ref.messageId);
    expect(message?.thread_ts).toBe("1.000001");
    expect(JSON.stringify(message?.blocks)).toContain("Deployed");
    expect(slack.okCallsTo("chat.update")).toHaveLength(1);
  });

  it("shows a private reply only to the given user", async () => {
    await new SlackMessenger(client()).postPrivate({ platform: "slack", channelId: "C0GENERAL" }, "U0BOB", { title: "Not yours", body: "x", private: true });
    expect(slack.messages.at(-1)).toMatchObject({ channel: "C0GENERAL", user: "U0BOB" });
  });

  it("surfaces Slack's refusal, e.g. channel_not_found, as an error", async () => {
    await expect(new SlackMessenger(client()).post({ platform: "slack", channelId: "C0GONE" }, { title: "t", body: "b" })).rejects.toMatchObject({
      data: { error: "channel_not_found" },
    });
  });

  it("waits out a ratelimited answer and posts once Retry-After has passed", async () => {
    slack.rateLimit("chat.postMessage", 1, 1);
    const ref = await new SlackMessenger(client(1)).post({ platform: "slack", channelId: "C0GENERAL" }, { title: "t", body: "b" });
    expect(ref.messageId).toBeDefined();
    expect(slack.callsTo("chat.postMessage").map((c) => c.status)).toEqual([429, 200]);
  });
});

describe("SlackUserGroups", () => {
  it("lists a user's groups from one cached usergroups.list call", async () => {
    const groups = new SlackUserGroups(client(), logger());
    expect((await groups.of("U0ALICE")).sort()).toEqual(["S0DEVS", "S0OPS"]);
    expect(await groups.of("U0BOB")).toEqual(["S0DEVS"]);
    expect(await groups.of("U0NOBODY")).toEqual([]);
    expect(slack.callsTo("usergroups.list")).toHaveLength(1);
  });

  it("reloads after the cache time", async () => {
    let now = 0;
    const groups = new SlackUserGroups(client(), logger(), 1_000, () => now);
    await groups.of("U0ALICE");
    now = 1_500;
    await groups.of("U0ALICE");
    expect(slack.callsTo("usergroups.list")).toHaveLength(2);
  });

  it("treats everyone as in no group when Slack refuses the scope, and logs why", async () => {
    await slack.stop();
    slack = await startFakeSlack({ botToken: BOT_TOKEN, scopes: ["chat:write"], userGroups: [{ id: "S0OPS", handle: "ops", users: ["U0ALICE"] }] });
    const groups = new SlackUserGroups(client(), logger());
    expect(await groups.of("U0ALICE")).toEqual([]);
    expect(logs.find((l) => l.event === "slack.usergroups.failed")).toMatchObject({ code: "missing_scope" });
  });
});
