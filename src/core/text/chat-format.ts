/**
 * Turns a question (Markdown, as adapters hand it to core) into plain text for matching: unwraps
 * code fences, inline code and quotes. The words and log lines stay. Platform syntax (mentions,
 * Slack's `<url|label>`, entities, emoji) is each adapter's to convert before core sees the text.
 */

/** Longest input the engine looks at; longer input keeps its head and its tail. */
export const MAX_INPUT_CHARS = 20_000;
const HEAD_CHARS = 5_000;

const CODE_FENCE = /```[a-zA-Z0-9_+-]*[ \t]*\n?|```/g;
const QUOTE_PREFIX = /^[ \t]*>[ \t]?/gm;
const INLINE_CODE = /`([^`\n]*)`/g;

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
  return truncateInput(raw).replace(CODE_FENCE, "\n").replace(QUOTE_PREFIX, "").replace(INLINE_CODE, "$1").trim();
}
