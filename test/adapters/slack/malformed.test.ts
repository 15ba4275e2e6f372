/**
 * Nothing a request sends stops the bot: validly signed bodies Slack would never send (null,
 * truncated JSON, every field of every payload with the wrong type) get a 4xx from the real Bolt
 * app, and a well-formed command afterwards is still answered.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCore, type CoreFixture } from "./core.js";
import { SIGNING_SECRET, startSlackHarness, waitFor, type SlackHarness } from "./harness.js";
import {
  appMentionEvent,
  blockActionsPayload,
  eventCallbackPayload,
  formContentType,
  sendToApp,
  signRequest,
  slashCommandBody,
  slashCommandPayload,
  type Delivery,
} from "../../fakes/slack/requests.js";
import { encodeActionId } from "../../../src/adapters/slack/render.js";

const json = (value: unknown): Delivery => ({ body: JSON.stringify(value), contentType: "application/json" });
const form = (fields: Record<string, string>): Delivery => ({ body: new URLSearchParams(fields).toString(), contentType: formContentType });
const interactive = (payload: unknown): Delivery => form({ payload: JSON.stringify(payload) });

const WRONG = [null, 7, true, "text", [], {}, [null], { id: null }];

/** Every copy of `value` with one field (at any depth) replaced by a value of the wrong type, or removed. */
function mutations(value: unknown, depth = 0): unknown[] {
  if (depth > 4 || value === null || typeof value !== "object") return [];
  const out: unknown[] = [];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  for (const [key, child] of entries) {
    const replace = (next: unknown) => (Array.isArray(value) ? value.map((v, i) => (i === key ? next : v)) : { ...value, [key]: next });
    for (const wrong of WRONG) if (JSON.stringify(wrong) !== JSON.stringify(child)) out.push(replace(wrong));
    if (!Array.isArray(value)) {
      const { [key as string]: _dropped, ...rest } = value as Record<string, unknown>;
      out.push(rest);
    }
    for (const nested of mutations(child, depth + 1)) out.push(replace(nested));
  }
  return out;
}

describe("Slack HTTP mode against malformed but signed requests", () => {
  let core: CoreFixture;
  let h: SlackHarness;
  beforeAll(async () => {
    core = await (startCore as () => Promise<CoreFixture>)();
    h = await startSlackHarness({ bot: core.bot, mode: "http" });
    core.useMessenger(h.adapter.messenger);
  });
  afterAll(async () => {
    await h.stop();
    await core.close();
  });

  const send = (delivery: Delivery) => sendToApp(h.endpoint as string, delivery, { signingSecret: SIGNING_SECRET });

  it("answers payload=null, a JSON null, truncated JSON and non-objects with 400", async () => {
    const bodies: Delivery[] = [
      form({ payload: "null" }),
      { body: "null", contentType: "application/json" },
      { body: '{"type":"event_callback","event":{"type":"app_me', contentType: "application/json" },
      form({ payload: '{"type":"block_actions",' }),
      form({ payload: "5" }),
      form({ payload: '"block_actions"' }),
      { body: "[1,2]", contentType: "application/json" },
      { body: "", contentType: "application/json" },
      { body: '"x"', contentType: "application/json" },
    ];
    for (const body of bodies) {
      const res = await send(body);
      expect({ body: body.body, status: res.status }).toEqual({ body: body.body, status: 400 });
    }
  });

  it("refuses an oversized body with 413 before reading it all", async () => {
    const res = await send({ body: `payload=${"x".repeat(11 * 1024 * 1024)}`, contentType: formContentType });
    expect(res.status).toBe(413);
  });

  it("still refuses an unsigned malformed body with 401", async () => {
    const res = await sendToApp(h.endpoint as string, form({ payload: "null" }), { signingSecret: SIGNING_SECRET, signature: "v0=deadbeef" });
    expect(res.status).toBe(401);
  });

  it("verifies the signature on every spelling of the path Bolt serves as its events endpoint", async () => {
    // Raw requests: fetch would normalise the path before sending it.
    const rawPost = (path: string, delivery: Delivery, signature?: string) =>
      new Promise<number>((resolve, reject) => {
        const { port } = new URL(h.endpoint as string);
        const headers = {
          "content-type": delivery.contentType,
          ...signRequest(SIGNING_SECRET, delivery.body),
          ...(signature ? { "x-slack-signature": signature } : {}),
        };
        const req = request({ host: "127.0.0.1", port, method: "POST", path, headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on("error", reject);
        req.end(delivery.body);
      });
    const spellings = ["/slack/events?x=1", "/slack/x/../events", "/x/../slack/events", `http://127.0.0.1/slack/events`];
    for (const path of spellings) {
      expect({ path, status: await rawPost(path, slashCommandBody({ text: "help" }), "v0=deadbeef") }).toEqual({ path, status: 401 });
      expect({ path, status: await rawPost(path, form({ payload: "null" })) }).toEqual({ path, status: 400 });
    }
    expect(await rawPost("/slack/x/../events", slashCommandBody({ text: "help" }))).toBe(200);
  });

  it("answers every wrong-typed field of commands, clicks and events with a 4xx or an ack, never a 5xx or a crash", async () => {
    const command = slashCommandPayload({ text: "status" });
    const click = blockActionsPayload({ actionId: encodeActionId("see_more", "stale-cache", 0), value: "stale-cache", messageTs: "1700000000.000100" });
    const event = eventCallbackPayload(appMentionEvent({ text: "<@U0BOT> stale cache?" }));
    const deliveries = [
      ...mutations(command).map(json),
      ...Object.keys(command).map((key) => form(Object.fromEntries(Object.entries(command).filter(([k]) => k !== key)))),
      ...mutations(click).map(interactive),
      ...mutations(event).map(json),
    ];
    expect(deliveries.length).toBeGreaterThan(300);
    const malformedLogged = () => h.logs.filter((l) => l.event === "slack.request.malformed").length;
    const loggedBefore = malformedLogged();
    const statuses = new Map<number, number>();
    // In batches: Bolt answers an unhandled request after 3 s, and all at once would swamp the fakes.
    for (let i = 0; i < deliveries.length; i += 100) {
      const batch = await Promise.all(deliveries.slice(i, i + 100).map((d) => send(d).then(async (res) => (await res.text(), res.status))));
      for (const status of batch) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    expect([...statuses.keys()].filter((status) => status >= 500)).toEqual([]);
    expect(statuses.get(400)).toBeGreaterThan(100);
    expect(malformedLogged() - loggedBefore).toBe(statuses.get(400));
  }, 60_000);

  it("keeps answering well-formed requests afterwards", async () => {
    const before = h.slack.callsTo("chat.postMessage").length;
    await h.event("mention", { text: "<@U0BOT> why does my Django build still use the old requirements.txt?" });
    await waitFor(() => h.slack.callsTo("chat.postMessage").length > before, "an answer after the malformed requests");
  });
});

describe("Slack Socket Mode against malformed envelopes", () => {
  let core: CoreFixture;
  let h: SlackHarness;
  beforeAll(async () => {
    core = await (startCore as () => Promise<CoreFixture>)();
    h = await startSlackHarness({ bot: core.bot, mode: "socket" });
    core.useMessenger(h.adapter.messenger);
  });
  afterAll(async () => {
    await h.stop();
    await core.close();
  });

  it("acknowledges and drops payloads Slack would never send, then keeps answering", async () => {
    const envelopes = [
      ["interactive", null],
      ["slash_commands", null],
      ["events_api", null],
      ["interactive", 5],
      ["events_api", { type: "event_callback", event: null }],
      ["slash_commands", { command: 5, text: null }],
      ["interactive", { type: "block_actions", user: null, actions: [null] }],
    ] as const;
    for (const [type, payload] of envelopes) {
      await expect(h.slack.deliver(type, payload as never), `${type} ${JSON.stringify(payload)}`).resolves.toBeDefined();
    }
    expect(h.logs.filter((l) => l.event === "slack.request.malformed")).toHaveLength(envelopes.length);
    await h.event("mention", { text: "<@U0BOT> why does my Django build still use the old requirements.txt?" });
    await h.slack.waitForCalls("chat.postMessage");
  });
});
