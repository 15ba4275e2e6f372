/**
 * Slack mrkdwn: escaping and the light Markdown of a Reply turned into Slack's dialect.
 * Every text goes through `escapeMrkdwn`, so nothing in it can become a mention or a broadcast
 * (`<!channel>`, `<!here>`, `<!everyone>`).
 */
import { escapeMentions } from "../../core/text/mentions.js";

/** Mentions made inert, then Slack's three control characters escaped. */
export function escapeMrkdwn(text: string): string {
  return escapeMentions(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Slack sends `&`, `<`, `>` in message and command text as entities; this undoes that. */
export function unescapeSlack(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

const MARKDOWN_LINK = /\[([^\]\n]+)\]\((https?:\/\/[^\s()<>|]+)\)/g;

/** One line of light Markdown (already escaped) as mrkdwn. */
function convertLine(line: string): string {
  return line
    .replace(/^#{1,6}\s+(.+)$/, "*$1*")
    .replace(/^(\s*)[-+*]\s+/, "$1• ")
    .replace(/\*\*([^*\n]+)\*\*/g, "*$1*")
    .replace(/__([^_\n]+)__/g, "*$1*")
    .replace(/~~([^~\n]+)~~/g, "~$1~")
    .replace(MARKDOWN_LINK, (_m, label: string, url: string) => `<${url}|${label}>`);
}

/** Light Markdown text to mrkdwn, escaped. Code fences are not handled here (see `splitFences`). */
export function toMrkdwn(markdown: string): string {
  return escapeMrkdwn(markdown).split("\n").map(convertLine).join("\n");
}

export type Segment = { kind: "text"; text: string } | { kind: "code"; text: string };

/** Splits text at ``` fences into prose and code segments (an unclosed fence runs to the end). */
export function splitFences(text: string): Segment[] {
  const segments: Segment[] = [];
  const parts = text.split(/^[ \t]*```[^\n]*$/m);
  parts.forEach((part, i) => {
    const trimmed = part.replace(/^\n+|\n+$/g, "");
    if (trimmed === "") return;
    segments.push({ kind: i % 2 === 1 ? "code" : "text", text: trimmed });
  });
  return segments;
}

/**
 * Cuts escaped mrkdwn to at most `max` characters without splitting an entity (`&amp;`) or a
 * `<url|label>` link, and marks the cut with an ellipsis.
 */
export function cutMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const openLink = text.lastIndexOf("<", cut);
  if (openLink !== -1 && text.indexOf(">", openLink) >= cut) cut = openLink;
  const openEntity = text.lastIndexOf("&", cut);
  if (openEntity !== -1 && cut - openEntity < 6 && !text.slice(openEntity, cut).includes(";")) cut = openEntity;
  return `${text.slice(0, cut)}…`;
}

/** Plain text cut to `max` characters (code points kept whole). */
export function cutPlain(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

/**
 * Packs lines into chunks of at most `max` characters (a line longer than that is cut), so long
 * text becomes several blocks instead of one Slack would refuse.
 */
export function chunkLines(lines: string[], max: number, cut: (line: string, max: number) => string): string[] {
  const chunks: string[] = [];
  let current = "";
  for (const raw of lines) {
    const line = cut(raw, max);
    if (current !== "" && current.length + 1 + line.length > max) {
      chunks.push(current);
      current = line;
    } else {
      current = current === "" ? line : `${current}\n${line}`;
    }
  }
  if (current !== "") chunks.push(current);
  return chunks;
}
