/**
 * A core Reply as a Slack message: Block Kit blocks plus the fallback `text` Slack shows in
 * notifications. Stays inside Block Kit's limits (50 blocks, 3000 characters a section, 2000 a
 * field, 75 a button label, 25 buttons) by splitting long text and cutting at safe points.
 */
import type { types } from "@slack/bolt";
import { ACTION_KINDS } from "../../core/reply.js";
import type { Action, ActionKind, CodeBlock, Field, Reply, Tone } from "../../core/reply.js";
import { markdownToPlain, splitCodeBlocks } from "../../core/text/markdown.js";
import { escapeMentions } from "../../core/text/mentions.js";
import { chunkLines, cutMrkdwn, escapeMrkdwn, toMrkdwn } from "./mrkdwn.js";
import { truncate } from "../../core/text/truncate.js";

type KnownBlock = types.KnownBlock;
type Button = types.Button;

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

const MAX_BLOCKS = 50;
const SECTION_CHARS = 3000;
const FIELD_CHARS = 2000;
const HEADER_CHARS = 150;
const BUTTON_LABEL_CHARS = 75;
const MAX_BUTTONS = 25;
/** Mobile notifications show about this much; the message itself shows the blocks. */
const FALLBACK_CHARS = 300;
const CODE_SECTIONS_PER_BLOCK = 4;
const ACTION_PREFIX = "railcache";

const toneEmoji: Record<Tone, string> = {
  info: "",
  success: "✅ ",
  warning: "⚠️ ",
  error: "❌ ",
};

/** Matches every action_id this adapter produces, for the Bolt listener. */
export const actionIdPattern = new RegExp(`^${ACTION_PREFIX}:(${ACTION_KINDS.join("|")}):`);

/** `railcache:<kind>:<value>` (or `railcache:<kind>:#<n>` when the value would not fit 255 chars). */
export function encodeActionId(kind: ActionKind, value: string | undefined, index: number): string {
  const id = `${ACTION_PREFIX}:${kind}:${value ?? ""}`;
  return id.length <= 255 ? id : `${ACTION_PREFIX}:${kind}:#${index}`;
}

/** The kind and value of a clicked button; the button's `value` wins over what the id carries. */
export function decodeAction(actionId: string, value: string | undefined): { kind: ActionKind; value: string } | undefined {
  const match = actionIdPattern.exec(actionId);
  if (!match) return undefined;
  const fromId = actionId.slice(match[0].length);
  return { kind: match[1] as ActionKind, value: value ?? (fromId.startsWith("#") ? "" : fromId) };
}

function section(text: string): KnownBlock {
  return { type: "section", text: { type: "mrkdwn", text } };
}

function proseBlocks(markdown: string): KnownBlock[] {
  return chunkLines(toMrkdwn(markdown).split("\n"), SECTION_CHARS, cutMrkdwn).map(section);
}

function codeBlocks(code: string): KnownBlock[] {
  const fence = "```";
  const room = SECTION_CHARS - 2 * (fence.length + 1);
  const chunks = chunkLines(escapeMrkdwn(code).split("\n"), room, cutMrkdwn);
  const shown = chunks.slice(0, CODE_SECTIONS_PER_BLOCK).map((c) => section(`${fence}\n${c}\n${fence}`));
  if (chunks.length > CODE_SECTIONS_PER_BLOCK) shown.push(section("_… code shortened_"));
  return shown;
}

function bodyBlocks(body: string, code: CodeBlock[] | undefined): KnownBlock[] {
  const blocks = splitCodeBlocks(body).flatMap((s) => (s.kind === "code" ? codeBlocks(s.text) : proseBlocks(s.markdown)));
  for (const c of code ?? []) blocks.push(...codeBlocks(c.text));
  return blocks;
}

function fieldBlocks(fields: Field[]): KnownBlock[] {
  const texts = fields.map((f) => ({
    type: "mrkdwn" as const,
    text: cutMrkdwn(`*${escapeMrkdwn(f.name)}*\n${f.value.trim() === "" ? "—" : toMrkdwn(f.value)}`, FIELD_CHARS),
  }));
  const blocks: KnownBlock[] = [];
  for (let i = 0; i < texts.length; i += 10) blocks.push({ type: "section", fields: texts.slice(i, i + 10) });
  return blocks;
}

function isHttpUrl(url: string | undefined): url is string {
  return url !== undefined && url.length <= 3000 && /^https?:\/\/[^\s<>|]+$/.test(url);
}

function button(action: Action, index: number): Button | undefined {
  const text = { type: "plain_text" as const, text: truncate(escapeMentions(action.label.trim() || action.kind), BUTTON_LABEL_CHARS), emoji: true };
  const base: Button = { type: "button", text, action_id: encodeActionId(action.kind, action.value, index) };
  if (action.style) base.style = action.style;
  if (action.kind === "link") {
    // A link without a safe http(s) url is dropped rather than sent for Slack to refuse.
    return isHttpUrl(action.url) ? { ...base, url: action.url } : undefined;
  }
  if (action.value !== undefined) {
    if (action.value.length > 2000) return undefined;
    base.value = action.value;
  }
  return base;
}

function actionsBlock(actions: Action[]): KnownBlock | undefined {
  const buttons = actions.map(button).filter((b): b is Button => b !== undefined);
  const unique = new Set<string>();
  const elements = buttons.filter((b) => !unique.has(b.action_id as string) && unique.add(b.action_id as string));
  return elements.length > 0 ? { type: "actions", block_id: "railcache_actions", elements: elements.slice(0, MAX_BUTTONS) } : undefined;
}

/**
 * The message's `text`: with blocks present Slack uses it only for notifications, so it is a
 * summary (the title and the body's first paragraph), escaped and cut, not a second copy of the
 * whole message.
 */
function fallbackText(reply: Reply): string {
  const title = `${toneEmoji[reply.tone ?? "info"]}${reply.title}`.trim();
  const lead = markdownToPlain(reply.body.trim().split(/\n\s*\n/)[0] ?? "");
  const text = [title, lead].filter(Boolean).join("\n") || "railcache";
  return cutMrkdwn(escapeMrkdwn(text), FALLBACK_CHARS);
}

/**
 * Replies are values nobody changes once built, and some are built once and sent many times
 * (help, answered inside the slash-command ack): render each reply object only once.
 */
const rendered = new WeakMap<Reply, SlackMessage>();

/** Renders a Reply as Block Kit, never over Slack's limits and with every text escaped. */
export function renderBlocks(reply: Reply): SlackMessage {
  let message = rendered.get(reply);
  if (!message) {
    message = renderFresh(reply);
    rendered.set(reply, message);
  }
  return message;
}

function renderFresh(reply: Reply): SlackMessage {
  const head: KnownBlock[] = [];
  const title = `${toneEmoji[reply.tone ?? "info"]}${reply.title}`.trim();
  if (title !== "") {
    head.push({ type: "header", text: { type: "plain_text", text: truncate(escapeMentions(title), HEADER_CHARS), emoji: true } });
  }
  const tail: KnownBlock[] = [];
  const actions = actionsBlock(reply.actions ?? []);
  if (actions) tail.push(actions);
  if (reply.context && reply.context.trim() !== "") {
    tail.push({ type: "context", elements: [{ type: "mrkdwn", text: cutMrkdwn(toMrkdwn(reply.context.trim()), 2000) }] });
  }
  let middle = [...bodyBlocks(reply.body, reply.code), ...fieldBlocks(reply.fields ?? [])];
  const room = MAX_BLOCKS - head.length - tail.length;
  if (middle.length > room) middle = [...middle.slice(0, room - 1), section("_… message shortened_")];
  if (head.length + middle.length + tail.length === 0) middle.push(section("_(empty)_"));
  return { text: fallbackText(reply), blocks: [...head, ...middle, ...tail] };
}
