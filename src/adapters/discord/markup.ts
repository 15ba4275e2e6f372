/**
 * Discord's markdown both ways: message text in (user, role and channel mentions, custom emoji,
 * timestamps) to the Markdown core reads, and a Reply's Markdown out to Discord's dialect, with
 * mentions made inert and stray markup characters escaped.
 */
import { prefixLines, renderMarkdown, type MarkdownRules } from "../../core/text/markdown.js";
import { escapeMentions } from "../../core/text/mentions.js";

// <@123>, <@!123>, <@&123> (a role), <#123> (a channel), <:name:123>, <a:name:123>, <t:1700000000:R>.
const DISCORD_TOKEN = /<(?:@[!&]?\d+|#\d+|a?:[A-Za-z0-9_]+:\d+|t:\d+(?::[tTdDfFR])?)>/g;
const EMOJI_SHORTCODE = /(?<![\w:]):[a-z0-9_+-]{1,40}:(?![\w:])/g;

/** A Discord message or option text as the Markdown core reads: mentions, emoji and timestamps removed. */
export function discordToMarkdown(text: string): string {
  return text
    .replace(DISCORD_TOKEN, " ")
    .replace(EMOJI_SHORTCODE, " ")
    .replace(/[ \t]{2,}/g, " ")
    .trim();
}

/** Text Discord must not read as markup: a backslash before its markdown characters. */
const escapeText = (text: string) => escapeMentions(text).replace(/([\\*_~`|])/g, "\\$1");
const isHttpUrl = (url: string) => /^https?:\/\/[^\s<>()]+$/.test(url);
const FENCE = "```";

const discordRules: MarkdownRules = {
  text: escapeText,
  strong: (inner) => (inner.trim() ? `**${inner}**` : inner),
  em: (inner) => (inner.trim() ? `*${inner}*` : inner),
  del: (inner) => (inner.trim() ? `~~${inner}~~` : inner),
  code: (text) => `\`${escapeMentions(text).replace(/`/g, "'")}\``,
  link: (label, href) => {
    if (!isHttpUrl(href)) return escapeText(label === href ? href : `${label} (${href})`);
    // A URL may carry "@here" ("https://x|@here" is one autolink): inert there too.
    const target = escapeMentions(href);
    return label === href || !label.trim() ? target : `[${escapeText(label).replace(/[[\]]/g, "")}](${target})`;
  },
  heading: (inner) => `**${inner}**`,
  // The info string after a fence is the language only when it looks like one ("``` <@&1>" is not).
  codeBlock: (text, lang) => `${FENCE}${lang && /^[\w+#.-]+$/.test(lang) ? lang : ""}\n${escapeMentions(text).replaceAll(FENCE, "`\u200b``")}\n${FENCE}`,
  quote: (inner) => prefixLines(inner, "> "),
  listItem: (inner, marker, depth) => `${"  ".repeat(depth)}${marker} ${inner}`,
};

/** A Reply's Markdown in Discord's dialect, every text escaped. */
export function toDiscordMarkdown(markdown: string): string {
  return renderMarkdown(markdown, discordRules);
}
