/**
 * Reply bodies are CommonMark. This module parses them (with marked's lexer) and walks the tree
 * with a set of rules, so each adapter converts Markdown to its platform's dialect in one place
 * and escapes text (mentions, its own control characters) there, once. Core only writes Markdown.
 */
import { Lexer, type Token, type Tokens } from "marked";

/** How one platform writes each Markdown node. Inner texts arrive already rendered. */
export interface MarkdownRules {
  /** Literal text: escape whatever the platform would read as markup or a mention. */
  text(text: string): string;
  strong(inner: string): string;
  em(inner: string): string;
  del(inner: string): string;
  /** Inline code (the raw code, not yet escaped). */
  code(text: string): string;
  link(label: string, href: string): string;
  heading(inner: string): string;
  /** A fenced or indented block (the raw code, not yet escaped). */
  codeBlock(text: string, lang: string | undefined): string;
  quote(inner: string): string;
  /** One list item; `marker` is "•" or "3."; `depth` counts from 0. */
  listItem(inner: string, marker: string, depth: number): string;
}

/** Every line of `text` with `prefix` in front: a quote ("> "), an indented block. */
export function prefixLines(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((line) => `${prefix}${line}`)
    .join("\n");
}

/** Rules that produce plain text: no markup, nothing escaped. */
export const plainRules: MarkdownRules = {
  text: (text) => text,
  strong: (inner) => inner,
  em: (inner) => inner,
  del: (inner) => inner,
  code: (text) => text,
  link: (label, href) => (label === href ? href : `${label} (${href})`),
  heading: (inner) => inner,
  codeBlock: (text) => text,
  quote: (inner) => inner,
  listItem: (inner, marker, depth) => `${"  ".repeat(depth)}${marker} ${inner}`,
};

/** Parses CommonMark (with GitHub's autolinks, strikethrough and tables) into marked's tokens. */
export function parseMarkdown(markdown: string): Token[] {
  return Lexer.lex(markdown, { gfm: true });
}

/**
 * Rendered texts kept per rule set, most recent last. A status reply renders one small field per
 * service and environment, the same texts every time it is asked for: lexing each again made
 * marked's lexer hot enough for V8 to optimise it, which cost about 8 MB of resident memory under
 * the bench's load (10,795 lexes of 193 distinct texts for 600 requests). Long texts are rarely
 * repeated and are not kept.
 */
const rendered = new WeakMap<MarkdownRules, Map<string, string>>();
const RENDERED_PER_RULES = 500;
const RENDERED_MAX_CHARS = 2_000;

/** `markdown` written with `rules`: blocks separated by a blank line, line breaks kept. */
export function renderMarkdown(markdown: string, rules: MarkdownRules): string {
  let cache = rendered.get(rules);
  if (!cache) rendered.set(rules, (cache = new Map()));
  const kept = cache.get(markdown);
  if (kept !== undefined) {
    // Most recently used last, so the oldest is the one dropped.
    cache.delete(markdown);
    cache.set(markdown, kept);
    return kept;
  }
  const text = renderBlocks(parseMarkdown(markdown), rules, 0);
  if (markdown.length <= RENDERED_MAX_CHARS) {
    cache.set(markdown, text);
    if (cache.size > RENDERED_PER_RULES) cache.delete(cache.keys().next().value as string);
  }
  return text;
}

/** The text of `markdown` with every piece of markup removed (links keep their address). */
export function markdownToPlain(markdown: string): string {
  return renderMarkdown(markdown, plainRules);
}

export type MarkdownSegment = { kind: "text"; markdown: string } | { kind: "code"; text: string; lang?: string };

/**
 * The top-level code blocks of `markdown` apart from the prose between them, for platforms that
 * show code in blocks of its own (Slack sections).
 */
export function splitCodeBlocks(markdown: string): MarkdownSegment[] {
  const segments: MarkdownSegment[] = [];
  let prose = "";
  const flush = () => {
    if (prose.trim() !== "") segments.push({ kind: "text", markdown: prose.trim() });
    prose = "";
  };
  for (const token of parseMarkdown(markdown)) {
    if (token.type === "code") {
      flush();
      const code = token as Tokens.Code;
      segments.push({ kind: "code", text: code.text, ...(code.lang ? { lang: code.lang } : {}) });
    } else {
      prose += token.raw;
    }
  }
  flush();
  return segments;
}

function renderBlocks(tokens: Token[], rules: MarkdownRules, depth: number): string {
  return tokens
    .map((token) => renderBlock(token, rules, depth))
    .filter((text) => text !== "")
    .join("\n\n");
}

function renderBlock(token: Token, rules: MarkdownRules, depth: number): string {
  switch (token.type) {
    case "space":
    case "def":
      return "";
    case "paragraph":
    case "text":
      return "tokens" in token && token.tokens ? renderInline(token.tokens, rules) : rules.text(token.text as string);
    case "heading":
      return rules.heading(renderInline((token as Tokens.Heading).tokens, rules));
    case "code":
      return rules.codeBlock((token as Tokens.Code).text, (token as Tokens.Code).lang || undefined);
    case "blockquote":
      return rules.quote(renderBlocks((token as Tokens.Blockquote).tokens, rules, depth));
    case "list":
      return renderList(token as Tokens.List, rules, depth);
    case "hr":
      return rules.text("———");
    default:
      // Tables and raw HTML are shown as they were written.
      return rules.text(token.raw.replace(/\n+$/, ""));
  }
}

function renderList(list: Tokens.List, rules: MarkdownRules, depth: number): string {
  const start = typeof list.start === "number" ? list.start : 1;
  return list.items
    .map((item, i) => {
      const marker = list.ordered ? `${start + i}.` : "•";
      // A nested list is its own block inside the item: render it one level deeper.
      const parts = item.tokens
        .filter((t) => t.type !== "space")
        .map((t) => (t.type === "list" ? `\n${renderList(t as Tokens.List, rules, depth + 1)}` : renderBlock(t, rules, depth)));
      return rules.listItem(parts.join("\n").replace(/\n\n/g, "\n"), marker, depth);
    })
    .join("\n");
}

function renderInline(tokens: Token[], rules: MarkdownRules): string {
  return tokens.map((token) => renderSpan(token, rules)).join("");
}

function renderSpan(token: Token, rules: MarkdownRules): string {
  switch (token.type) {
    case "text":
      return "tokens" in token && token.tokens ? renderInline(token.tokens, rules) : rules.text(token.text as string);
    case "escape":
      return rules.text(token.text as string);
    case "strong":
      return rules.strong(renderInline((token as Tokens.Strong).tokens, rules));
    case "em":
      return rules.em(renderInline((token as Tokens.Em).tokens, rules));
    case "del":
      return rules.del(renderInline((token as Tokens.Del).tokens, rules));
    case "codespan":
      return rules.code((token as Tokens.Codespan).text);
    case "br":
      return "\n";
    case "link": {
      const link = token as Tokens.Link;
      return rules.link(renderInline(link.tokens, plainRules), link.href);
    }
    case "image": {
      const image = token as Tokens.Image;
      return rules.link(image.text || image.href, image.href);
    }
    default:
      // Inline HTML (`in <module>` of a traceback) is text, never markup.
      return rules.text(token.raw);
  }
}
