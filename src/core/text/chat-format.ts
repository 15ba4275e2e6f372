/**
 * Turns a Slack or Discord message into plain text for matching: drops mentions and emoji,
 * unwraps links and code fences, decodes Slack's HTML entities. The words and log lines stay.
 */

/** Longest input the engine looks at; longer input keeps its head and its tail. */
export const MAX_INPUT_CHARS = 20_000;
const HEAD_CHARS = 5_000;

const CODE_FENCE = /```[a-zA-Z0-9_+-]*[ \t]*\n?|```/g;
const SLACK_LINK = /<((?:https?|mailto):[^|>\s]+)(?:\|([^>]*))?>/g;
const SLACK_CHANNEL = /<#[A-Z0-9]+(?:\|([^>]*))?>/g;
const MENTION = /<(?:@[!&]?|!)[^>\s]*>/g;
const DISCORD_EMOJI = /<a?:[A-Za-z0-9_]+:\d+>/g;
const DISCORD_TIMESTAMP = /<t:\d+(?::[tTdDfFR])?>/g;
const EMOJI_SHORTCODE = /(?<![\w:]):[a-z0-9_+-]{1,40}:(?::skin-tone-\d:)?(?![\w:])/g;
const QUOTE_PREFIX = /^[ \t]*>[ \t]?/gm;
const INLINE_CODE = /`([^`\n]*)`/g;
const ENTITIES: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"', "&#39;": "'" };
const ENTITY = /&(?:lt|gt|amp|quot|#39);/g;

/**
 * Keeps the first 5,000 and the last 15,000 characters of an over-long input: a question
 * usually opens a message and the exception line closes a traceback.
 */
export function truncateInput(text: string, max = MAX_INPUT_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, HEAD_CHARS)}\n…\n${text.slice(text.length - (max - HEAD_CHARS))}`;
}

/** Plain text of a chat message: formatting removed, content kept. */
export function cleanChatText(raw: string): string {
  return truncateInput(raw)
    .replace(CODE_FENCE, "\n")
    .replace(SLACK_LINK, (_m, url: string, label?: string) => (label ? label : url))
    .replace(SLACK_CHANNEL, (_m, name?: string) => (name ? `#${name}` : ""))
    .replace(DISCORD_EMOJI, " ")
    .replace(DISCORD_TIMESTAMP, " ")
    .replace(MENTION, " ")
    .replace(QUOTE_PREFIX, "")
    .replace(INLINE_CODE, "$1")
    .replace(ENTITY, (e) => ENTITIES[e] ?? e)
    .replace(EMOJI_SHORTCODE, " ")
    .trim();
}
