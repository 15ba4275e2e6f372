/**
 * Renders a core Reply as terminal text: the Markdown body without its markup (bold and code in
 * colour when the terminal has it), actions numbered so a person can type the number.
 */
import { prefixLines, renderMarkdown, type MarkdownRules } from "../../core/text/markdown.js";
import type { Action, Reply } from "../../core/reply.js";

const colours = { info: "36", success: "32", warning: "33", error: "31" } as const;

export interface RenderOptions {
  colour: boolean;
  /** Number offset, so actions from several replies get distinct numbers. */
  firstActionNumber?: number;
}

// Escape sequences in text from outside (a commit message, a log line) must not drive the terminal.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
const printable = (text: string) => text.replace(CONTROL, "");

/** One rule set per colour setting, built once: renderMarkdown keeps rendered texts per rule set. */
const terminalRuleSets = { colour: buildTerminalRules(true), plain: buildTerminalRules(false) };
const terminalRules = (colour: boolean): MarkdownRules => (colour ? terminalRuleSets.colour : terminalRuleSets.plain);

function buildTerminalRules(colour: boolean): MarkdownRules {
  const paint = (code: string, text: string) => (colour && text ? `\u001b[${code}m${text}\u001b[0m` : text);
  return {
    text: printable,
    strong: (inner) => paint("1", inner),
    em: (inner) => paint("3", inner),
    del: (inner) => inner,
    code: (text) => paint("36", printable(text)),
    link: (label, href) => (label === href || !label.trim() ? printable(href) : `${printable(label)} (${printable(href)})`),
    heading: (inner) => paint("1", inner),
    codeBlock: (text) => prefixLines(printable(text), "    "),
    quote: (inner) => prefixLines(inner, "  │ "),
    listItem: (inner, marker, depth) => `${"  ".repeat(depth)}${marker} ${inner.replace(/\n/g, `\n${"  ".repeat(depth + 1)}`)}`,
  };
}

export function renderText(reply: Reply, options: RenderOptions = { colour: false }): string {
  const rules = terminalRules(options.colour);
  const paint = (code: string, text: string) => (options.colour ? `\u001b[${code}m${text}\u001b[0m` : text);
  const lines: string[] = [paint(`1;${colours[reply.tone ?? "info"]}`, printable(reply.title)), renderMarkdown(reply.body, rules)];
  for (const block of reply.code ?? []) {
    lines.push("", rules.codeBlock(block.text, block.lang));
  }
  // Fields one to a line ("Service: web"), so a card stays short; a long value gets its own lines.
  const fields = (reply.fields ?? []).map((field) => {
    const value = renderMarkdown(field.value, rules);
    return `${paint("1", `${printable(field.name)}:`)}${value.includes("\n") ? "\n" : " "}${value}`;
  });
  if (fields.length) lines.push("", ...fields);
  const actions = reply.actions ?? [];
  if (actions.length) {
    lines.push("");
    let n = options.firstActionNumber ?? 1;
    for (const action of actions) lines.push(`  ${describeAction(action, n++)}`);
  }
  if (reply.context) lines.push(paint("2", renderMarkdown(reply.context, terminalRules(false))));
  return lines.join("\n").replace(/\n{3,}/g, "\n\n");
}

function describeAction(action: Action, n: number): string {
  const label = printable(action.label);
  return action.kind === "link" ? `[${n}] ${label}: ${printable(action.url ?? "")}` : `[${n}] ${label}`;
}
