/**
 * A gate in front of Bolt's HTTPReceiver. Bolt reads `body.ssl_check` and `body.type` before its
 * own error handling, so a validly signed `payload=null` (or a JSON `null`) used to throw outside
 * any catch and stop the process. Here every request is verified and parsed first; a body that
 * is not the shape Slack sends gets a 400 and never reaches Bolt or our listeners.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { defaultBodyLimit, HTTPModuleFunctions, isRawBodyError } from "@slack/bolt";
import { z } from "zod";
import type { Logger } from "../../log.js";

// Only whether a body passes is used, never the parsed copy: z.object (unknown keys allowed and
// dropped) checks the same as z.looseObject without copying every other field Slack sends.
const text = z.string();
const optionalText = z.string().optional();

const slashCommand = z.object({
  command: text,
  text: text,
  user_id: text,
  user_name: optionalText,
  channel_id: text,
  team_id: optionalText,
  response_url: optionalText,
  trigger_id: optionalText,
});

const messageEvent = z.object({
  type: text,
  user: optionalText,
  text: optionalText,
  channel: optionalText,
  ts: optionalText,
  thread_ts: optionalText,
  channel_type: optionalText,
  subtype: optionalText,
  bot_id: optionalText,
});

const eventCallback = z.object({
  type: z.literal("event_callback"),
  event_id: optionalText,
  team_id: optionalText,
  event: messageEvent,
  // Bolt reads the first authorization to find the installation.
  authorizations: z.array(z.object({ team_id: z.string().nullable().optional(), enterprise_id: z.string().nullable().optional() })).optional(),
});

const urlVerification = z.object({ type: z.literal("url_verification"), challenge: text });

const blockActions = z.object({
  type: z.literal("block_actions"),
  user: z.object({ id: text, username: optionalText, name: optionalText }),
  team: z.object({ id: optionalText }).nullable().optional(),
  channel: z.object({ id: text }).optional(),
  container: z.object({ channel_id: optionalText, message_ts: optionalText, is_ephemeral: z.boolean().optional() }).optional(),
  message: z.object({ ts: optionalText, thread_ts: optionalText }).optional(),
  response_url: optionalText,
  actions: z.array(z.object({ action_id: text, type: text, value: optionalText })).min(1),
});

/** Another typed payload Slack may send (view_submission, shortcut...): Bolt routes or ignores it by type. */
const otherTyped = z.object({ type: text }).refine((b) => !["event_callback", "url_verification", "block_actions"].includes(b.type));

const sslCheck = z.object({ ssl_check: z.literal("1") });

/**
 * The one shape a body can be, picked by its fields: parsing only that schema keeps the ack path
 * cheap (a union would build a failed parse, with its error objects, for every other shape first).
 */
function schemaFor(body: Record<string, unknown>): z.ZodType {
  if ("ssl_check" in body) return sslCheck;
  if (typeof body.type !== "string") return slashCommand;
  switch (body.type) {
    case "event_callback":
      return eventCallback;
    case "url_verification":
      return urlVerification;
    case "block_actions":
      return blockActions;
    default:
      return otherTyped;
  }
}

/** Why a body is refused, in a few words for the log (never a field's value). */
export function slackBodyProblem(body: unknown): string | null {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return "the body is not a JSON object";
  const result = schemaFor(body as Record<string, unknown>).safeParse(body);
  if (result.success) return null;
  const kind = (body as { type?: unknown }).type;
  return `not a Slack ${typeof kind === "string" ? kind.slice(0, 40) : "slash command"} payload`;
}

type BufferedRequest = IncomingMessage & { rawBody: Buffer };

/**
 * Wraps Bolt's request listener for `endpoints`: 413 for an oversized body, 401 when the
 * signature does not verify, 400 for a signed body Slack would never send, Bolt for the rest.
 * Never throws and never rejects.
 */
export function guardSlackRequests(
  listener: RequestListener,
  options: { signingSecret: string; endpoints: string[]; log: Logger; bodyLimit?: number },
): RequestListener {
  const { log } = options;
  const refuse = (res: ServerResponse, status: number, reason: string) => {
    if (res.headersSent) return void res.end();
    res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
    res.end(`${reason}\n`);
  };

  async function guarded(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let buffered: BufferedRequest;
    try {
      buffered = (await HTTPModuleFunctions.parseAndVerifyHTTPRequest(
        // Bolt's own limit: the body is read before the signature can be checked.
        { enabled: true, signingSecret: options.signingSecret, bodyLimit: options.bodyLimit ?? defaultBodyLimit },
        req,
      )) as BufferedRequest;
    } catch (error) {
      if (isRawBodyError(error) && (error.type === "entity.too.large" || error.statusCode === 413)) return refuse(res, 413, "request body too large");
      log.warn({ event: "slack.request.unverified" }, "Refused a Slack request whose signature did not verify");
      return refuse(res, 401, "signature did not verify");
    }
    let body: unknown;
    try {
      body = HTTPModuleFunctions.parseHTTPRequestBody(buffered);
    } catch {
      log.warn({ event: "slack.request.malformed", problem: "the body is not valid JSON" }, "Refused a malformed Slack request");
      return refuse(res, 400, "malformed request body");
    }
    const problem = slackBodyProblem(body);
    if (problem) {
      log.warn({ event: "slack.request.malformed", problem }, "Refused a malformed Slack request");
      return refuse(res, 400, "malformed request body");
    }
    // Bolt finds the body already read; its receiver does not verify again (see createSlackApp).
    listener(buffered, res);
  }

  return (req, res) => {
    // Bolt's own routing, so no spelling of the path (`/x/../slack/events`, an absolute URL)
    // reaches its events endpoint around this gate, which is the only signature check.
    const url = req.url ?? "/";
    const path = options.endpoints.includes(url) ? url : new URL(url, "http://localhost").pathname;
    // Anything else (Bolt's own 404 handling included) stays Bolt's, synchronously as it expects.
    if ((req.method ?? "").toUpperCase() !== "POST" || !options.endpoints.includes(path)) return listener(req, res);
    guarded(req, res).catch((error: unknown) => {
      log.error({ event: "slack.request.failed", err: error instanceof Error ? error.message : String(error) }, "Slack request failed");
      refuse(res, 500, "internal error");
    });
  };
}

type WsListener = (data: unknown, isBinary: boolean) => void;

/**
 * The same gate for Socket Mode. The Socket Mode client reads `payload.event.type` before Bolt's
 * error handling (an `events_api` envelope whose payload is null rejected outside any catch), so
 * its one `ws_message` listener is wrapped: an envelope whose payload is not the shape Slack
 * sends is logged and dropped; everything else (hello, disconnect, pings) passes untouched.
 */
export function guardSocketMode(
  client: { listeners(event: string): unknown[]; removeAllListeners(event: string): unknown; on(event: string, listener: WsListener): unknown },
  log: Logger,
): void {
  const originals = client.listeners("ws_message") as WsListener[];
  client.removeAllListeners("ws_message");
  client.on("ws_message", (data, isBinary) => {
    const checked = isBinary ? null : envelopeProblem(data);
    if (checked) {
      log.warn({ event: "slack.request.malformed", problem: checked.problem, mode: "socket" }, "Dropped a malformed Slack Socket Mode envelope");
      // Acknowledged, so Slack does not deliver it again. `send` is the client's own ack path
      // (not in its typings); without it Slack retries a few times and each retry is dropped too.
      const send = (client as { send?: (id: string) => Promise<void> }).send;
      if (checked.envelopeId && typeof send === "function") send.call(client, checked.envelopeId).catch(() => undefined);
      return;
    }
    for (const listener of originals) listener(data, isBinary);
  });
}

const ENVELOPE_TYPES = new Set(["slash_commands", "interactive", "events_api"]);

function envelopeProblem(data: unknown): { problem: string; envelopeId?: string } | null {
  let envelope: unknown;
  try {
    envelope = JSON.parse(typeof data === "string" ? data : Buffer.from(data as ArrayBuffer).toString("utf8"));
  } catch {
    return null; // the client ignores what it cannot parse
  }
  if (envelope === null || typeof envelope !== "object") return { problem: "the envelope is not a JSON object" };
  const { type, payload, envelope_id: envelopeId } = envelope as { type?: unknown; payload?: unknown; envelope_id?: unknown };
  if (typeof type !== "string" || !ENVELOPE_TYPES.has(type)) return null;
  const problem = slackBodyProblem(payload);
  return problem ? { problem, ...(typeof envelopeId === "string" ? { envelopeId } : {}) } : null;
}
