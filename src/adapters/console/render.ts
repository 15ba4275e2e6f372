/** Renders a core Reply as terminal text. Actions are numbered so a person can type the number. */
import type { Action, Reply } from "../../core/reply.js";

const colours = { info: "36", success: "32", warning: "33", error: "31" } as const;

export interface RenderOptions {
  colour: boolean;
  /** Number offset, so actions from several replies get distinct numbers. */
  firstActionNumber?: number;
}

export function renderText(reply: Reply, options: RenderOptions = { colour: false }): string {
  const paint = (code: string, text: string) => (options.colour ? `\u001b[${code}m${text}\u001b[0m` : text);
  const lines: string[] = [paint(`1;${colours[reply.tone ?? "info"]}`, reply.title), markdownToTerminal(reply.body)];
  for (const block of reply.code ?? []) {
    lines.push("", ...block.text.split("\n").map((line) => `    ${line}`));
  }
  for (const field of reply.fields ?? []) {
    lines.push("", paint("1", field.name), markdownToTerminal(field.value));
  }
  const actions = reply.actions ?? [];
  if (actions.length) {
    lines.push("");
    let n = options.firstActionNumber ?? 1;
    for (const action of actions) lines.push(`  ${describeAction(action, n++)}`);
  }
  if (reply.context) lines.push(paint("2", markdownToTerminal(reply.context)));
  return lines.join("\n").replace(/\n{3,}/g, "\n\n");
}

function describeAction(action: Action, n: number): string {
  return action.kind === "link" ? `[${n}] ${action.label}: ${action.url ?? ""}` : `[${n}] ${action.label}`;
}

/** Links `[label](url)` become `label (url)`; the rest of the light markdown reads fine as is. */
function markdownToTerminal(text: string): string {
  return text.replace(/\[([^\]]+)\]\((https?:[^)]+)\)/g, "$1 ($2)");
}
