/**
 * Slack's mrkdwn both ways: message and command text in (mentions, `<url|label>` links, channel
 * references, entities) to the Markdown core reads, and a Reply's Markdown out to mrkdwn.
 * Every text that leaves goes through `escapeMrkdwn`, so nothing in it can become a mention or a
 * broadcast (`<!channel>`, `<!here>`, `<!everyone>`).
 */
import { prefixLines, renderMarkdown, type MarkdownRules } from "../../core/text/markdown.js";
import { escapeMentions } from "../../core/text/mentions.js";

/** Mentions made inert, then Slack's three control characters escaped. */
export function escapeMrkdwn(text: string): string {
  return escapeMentions(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const SLACK_LINK = /<((?:https?|ftp|mailto):[^|>\s]+)(?:\|([^>\n]*))?>/gi;
const CHANNEL = /<#[A-Z0-9]+(?:\|([^>]*))?>/g;
// <@U123>, <@U123|name>, <!here>, <!subteam^S1|@team>: nobody core needs to know about.
const MENTION = /<[@!][^>\s]*>/g;
const EMOJI_SHORTCODE = /(?<![\w:]):[a-z0-9_+-]{1,40}:(?::skin-tone-\d:)?(?![\w:])/g;

/** What any step below would change: Slack syntax (`<`), a shortcode (`:`), an entity (`&`), a run of blanks, or blanks to trim. */
const NEEDS_CONVERSION = /[<&:]|[ \t]{2}|^\s|\s$/;

/**
 * A Slack message or command text as the Markdown core reads: links become `[label](url)`,
 * channel references `#name`; mentions and emoji shortcodes go; entities are decoded last, so a
 * decoded `<` is never read as Slack syntax.
 */
export function slackToMarkdown(text: string): string {
  // Most command text (`help`, `status web`) has nothing to convert: one test instead of nine passes.
  if (!NEEDS_CONVERSION.test(text)) return text;
  return text
    .replace(SLACK_LINK, (_m, url: string, label?: string) => (label?.trim() ? `[${label}](${url})` : url))
    .replace(CHANNEL, (_m, name?: string) => (name ? `#${name}` : ""))
    .replace(MENTION, " ")
    .replace(EMOJI_SHORTCODE, " ")
    .replace(/[ \t]{2,}/g, " ")
    .trim()
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

const isSafeUrl = (url: string) => /^(?:https?:\/\/|mailto:)[^\s<>|]+$/.test(url);
const FENCE = "```";

const mrkdwnRules: MarkdownRules = {
  text: escapeMrkdwn,
  strong: (inner) => (inner.trim() ? `*${inner}*` : inner),
  em: (inner) => (inner.trim() ? `_${inner}_` : inner),
  del: (inner) => (inner.trim() ? `~${inner}~` : inner),
  code: (text) => `\`${escapeMrkdwn(text.replace(/`/g, "'"))}\``,
  link: (label, href) => {
    if (!isSafeUrl(href)) return escapeMrkdwn(label === href ? href : `${label} (${href})`);
    // Slack reads entities inside a link too: a raw `&` in a query string must be `&amp;`.
    const url = href.replace(/&/g, "&amp;");
    return label === href || !label.trim() ? `<${url}>` : `<${url}|${escapeMrkdwn(label)}>`;
  },
  heading: (inner) => `*${inner}*`,
  codeBlock: (text) => `${FENCE}\n${escapeMrkdwn(text.replaceAll(FENCE, "'''"))}\n${FENCE}`,
  quote: (inner) => prefixLines(inner, "> "),
  listItem: (inner, marker, depth) => `${"    ".repeat(depth)}${marker} ${inner}`,
};

/** A Reply's Markdown as mrkdwn, every text escaped. */
export function toMrkdwn(markdown: string): string {
  return renderMarkdown(markdown, mrkdwnRules);
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
