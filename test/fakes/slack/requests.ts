/**
 * Slack's outgoing side for HTTP mode: v0 request signing and the bodies Slack sends
 * (slash commands, block_actions, event_callback, url_verification), shaped like the real ones.
 */
import { createHmac, randomUUID } from "node:crypto";

export const formContentType = "application/x-www-form-urlencoded";

/** v0 signature headers: HMAC-SHA256 of `v0:{timestamp}:{body}` with the signing secret. */
export function signRequest(
  signingSecret: string,
  body: string,
  timestampSec = Math.floor(Date.now() / 1000),
): { "x-slack-signature": string; "x-slack-request-timestamp": string } {
  const digest = createHmac("sha256", signingSecret).update(`v0:${timestampSec}:${body}`).digest("hex");
  return { "x-slack-signature": `v0=${digest}`, "x-slack-request-timestamp": String(timestampSec) };
}

export interface Delivery {
  body: string;
  contentType: string;
}

export interface SlashCommand {
  text: string;
  userId?: string;
  userName?: string;
  channelId?: string;
  command?: string;
  teamId?: string;
  responseUrl?: string;
}

/** The fields Slack sends for a slash command (form-encoded over HTTP, as an object in Socket Mode). */
export function slashCommandPayload(cmd: SlashCommand): Record<string, string> {
  return {
    token: "legacy-verification-token",
    team_id: cmd.teamId ?? "T0RAILCACHE",
    team_domain: "railcache-test",
    channel_id: cmd.channelId ?? "C0GENERAL",
    channel_name: "general",
    user_id: cmd.userId ?? "U0ALICE",
    user_name: cmd.userName ?? "alice",
    command: cmd.command ?? "/railcache",
    text: cmd.text,
    api_app_id: "A0RAILCACHE",
    is_enterprise_install: "false",
    response_url: cmd.responseUrl ?? "https://hooks.slack.com/commands/T0RAILCACHE/1/abc",
    trigger_id: `${Date.now()}.1.${randomUUID().slice(0, 8)}`,
  };
}

export function slashCommandBody(cmd: SlashCommand): Delivery {
  return { body: new URLSearchParams(slashCommandPayload(cmd)).toString(), contentType: formContentType };
}

export interface ButtonClick {
  actionId: string;
  value?: string;
  userId?: string;
  channelId?: string;
  /** ts of the message that carries the button. */
  messageTs: string;
  blockId?: string;
  /** The blocks of the message clicked on, as Slack echoes them back. */
  messageBlocks?: unknown[];
}

export function blockActionsPayload(click: ButtonClick): Record<string, unknown> {
  const channelId = click.channelId ?? "C0GENERAL";
  const userId = click.userId ?? "U0ALICE";
  return {
    type: "block_actions",
    user: { id: userId, username: userId.slice(2).toLowerCase(), name: userId.slice(2).toLowerCase(), team_id: "T0RAILCACHE" },
    api_app_id: "A0RAILCACHE",
    token: "legacy-verification-token",
    container: { type: "message", message_ts: click.messageTs, channel_id: channelId, is_ephemeral: false },
    trigger_id: `${Date.now()}.1.${randomUUID().slice(0, 8)}`,
    team: { id: "T0RAILCACHE", domain: "railcache-test" },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channelId, name: "general" },
    message: { type: "message", user: "U0BOT", ts: click.messageTs, text: "", blocks: click.messageBlocks ?? [] },
    state: { values: {} },
    response_url: "https://hooks.slack.com/actions/T0RAILCACHE/1/abc",
    actions: [
      {
        action_id: click.actionId,
        block_id: click.blockId ?? "actions",
        text: { type: "plain_text", text: "button", emoji: true },
        value: click.value,
        type: "button",
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
}

/** Interactivity arrives as a form with one `payload` field holding JSON. */
export function blockActionsBody(click: ButtonClick): Delivery {
  return {
    body: new URLSearchParams({ payload: JSON.stringify(blockActionsPayload(click)) }).toString(),
    contentType: formContentType,
  };
}

export interface MessageEventInput {
  text: string;
  userId?: string;
  channelId?: string;
  ts?: string;
  threadTs?: string;
}

export function appMentionEvent(input: MessageEventInput): Record<string, unknown> {
  const ts = input.ts ?? `${Math.floor(Date.now() / 1000)}.000100`;
  return {
    type: "app_mention",
    user: input.userId ?? "U0ALICE",
    text: input.text,
    ts,
    ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
    channel: input.channelId ?? "C0GENERAL",
    event_ts: ts,
  };
}

export function directMessageEvent(input: MessageEventInput): Record<string, unknown> {
  const ts = input.ts ?? `${Math.floor(Date.now() / 1000)}.000200`;
  return {
    type: "message",
    channel_type: "im",
    user: input.userId ?? "U0ALICE",
    text: input.text,
    ts,
    ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
    channel: input.channelId ?? "D0DMUSER1",
    event_ts: ts,
  };
}

export function eventCallbackPayload(event: Record<string, unknown>, eventId = `Ev${randomUUID().slice(0, 10)}`) {
  return {
    token: "legacy-verification-token",
    team_id: "T0RAILCACHE",
    api_app_id: "A0RAILCACHE",
    event,
    type: "event_callback",
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: "T0RAILCACHE", user_id: "U0BOT", is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
}

export function eventCallbackBody(event: Record<string, unknown>, eventId?: string): Delivery {
  return { body: JSON.stringify(eventCallbackPayload(event, eventId)), contentType: "application/json" };
}

export function urlVerificationBody(challenge: string): Delivery {
  return {
    body: JSON.stringify({ token: "legacy-verification-token", challenge, type: "url_verification" }),
    contentType: "application/json",
  };
}

/**
 * POSTs a delivery to an app endpoint as Slack would: signed with `signingSecret` (or with the
 * given headers overridden), optionally marked as a retry.
 */
export async function sendToApp(
  url: string,
  delivery: Delivery,
  opts: { signingSecret: string; timestampSec?: number; retryNum?: number; signature?: string },
): Promise<Response> {
  const signed = signRequest(opts.signingSecret, delivery.body, opts.timestampSec);
  const headers: Record<string, string> = { "content-type": delivery.contentType, ...signed };
  if (opts.signature !== undefined) headers["x-slack-signature"] = opts.signature;
  if (opts.retryNum !== undefined) {
    headers["x-slack-retry-num"] = String(opts.retryNum);
    headers["x-slack-retry-reason"] = "http_timeout";
  }
  return fetch(url, { method: "POST", headers, body: delivery.body });
}
