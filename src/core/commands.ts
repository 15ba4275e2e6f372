/**
 * The one registry of `/railcache` subcommands. The Slack and console adapters parse text
 * against it, the Discord adapter builds its command JSON from it, and `help` prints it.
 */

import { closest } from "./text/closest.js";
import { truncate } from "./text/truncate.js";

/** First words that start a question or a report, never a command ("can" is not "cancel"). */
const QUESTION_START =
  /^(?:how|what|whats|what's|why|where|when|which|who|can|could|should|would|will|is|are|do|does|did|i|i'm|im|my|our|we|the|prod|it|its|it's|any|anyone|hi|hey|hello|help me|pls|please)$/;

/** What a policy rule grants; `mute` silences the watcher's warnings about a service. */
export type Permission = "ask" | "status" | "clear" | "redeploy" | "audit" | "mute";

export interface ArgSpec {
  name: string;
  description: string;
  required: boolean;
  /** Suggest values from Railway (service or environment names). */
  autocomplete?: "service" | "env";
  /** Takes the rest of the line (free text). */
  rest?: boolean;
}

export interface CommandSpec {
  name: string;
  description: string;
  args: ArgSpec[];
  permission: Permission;
}

export const commands = [
  {
    name: "ask",
    description: "Ask about a stale build cache, or paste an error or traceback",
    args: [{ name: "text", description: "Your question or the error text", required: true, rest: true }],
    permission: "ask",
  },
  {
    name: "status",
    description: "Latest deployment of each service, with dashboard links",
    args: [
      { name: "service", description: "Only this service", required: false, autocomplete: "service" },
      { name: "env", description: "Only this environment", required: false, autocomplete: "env" },
    ],
    permission: "status",
  },
  {
    name: "setup",
    description: "Our real setup from Railway: builder, start and pre-deploy commands, config file, NO_CACHE, databases",
    args: [
      { name: "service", description: "Only this service", required: false, autocomplete: "service" },
      { name: "env", description: "Only this environment", required: false, autocomplete: "env" },
    ],
    permission: "status",
  },
  {
    name: "clear",
    description: "Clear the build cache of a service and rebuild it (asks for confirmation)",
    args: [
      { name: "service", description: "The service to rebuild without cache", required: true, autocomplete: "service" },
      { name: "env", description: "Environment (default from config)", required: false, autocomplete: "env" },
    ],
    permission: "clear",
  },
  {
    name: "redeploy",
    description: "Rebuild a service from its current commit, keeping the cache (asks for confirmation)",
    args: [
      { name: "service", description: "The service to rebuild", required: true, autocomplete: "service" },
      { name: "env", description: "Environment (default from config)", required: false, autocomplete: "env" },
    ],
    permission: "redeploy",
  },
  {
    name: "cancel",
    description: "Cancel your pending clear or redeploy",
    args: [{ name: "service", description: "Only the one for this service", required: false, autocomplete: "service" }],
    permission: "ask",
  },
  {
    name: "audit",
    description: "Recent cache clears and redeploys: who asked, who confirmed, what happened",
    args: [{ name: "since", description: "How far back, e.g. 24h or 7d (default 7d)", required: false }],
    permission: "audit",
  },
  {
    name: "unanswered",
    description: "Questions railcache could not answer, most asked first: what your runbooks should add",
    args: [{ name: "since", description: "How far back, e.g. 7d (default 30d)", required: false }],
    permission: "audit",
  },
  {
    name: "help",
    description: "What railcache can do",
    args: [],
    permission: "ask",
  },
] as const satisfies readonly CommandSpec[];

export type CommandName = (typeof commands)[number]["name"];

export interface ParsedCommand {
  name: CommandName;
  args: Record<string, string>;
}

export type ParseResult = { ok: true; command: ParsedCommand } | { ok: false; error: string; usage: string };

const byName = new Map<string, CommandSpec>(commands.map((c) => [c.name, c]));

/** `clear <service> [env]`: the usage line of one command. */
export function usageOf(spec: CommandSpec): string {
  const args = spec.args.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`));
  return ["/railcache", spec.name, ...args].join(" ");
}

/** Every command with its usage and description, for `help` and for errors. */
export function usageText(): string {
  return commands.map((c) => `${usageOf(c)}  ${c.description}`).join("\n");
}

/**
 * Parse the text after `/railcache`. Never throws: unknown or malformed input gives an error
 * and the usage to show; text that does not start with a command but reads as a question (it
 * opens with a question word, or has four words or more, or three words or a question mark and
 * a first word that is not a near miss of a command name) is a question. `--env production` and `env=production` are accepted for optional args.
 */
export function parseCommand(text: string): ParseResult {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const first = words.shift()?.toLowerCase();
  if (!first) return { ok: true, command: { name: "help", args: {} } };
  const spec = byName.get(first);
  if (!spec) {
    // "/railcache how do I clear the cache?" is a question typed without `ask`; "clera web" a typo.
    const [near] = closest(first, [...byName.keys()], 1);
    // A command takes at most two arguments: four words or more are a sentence whatever the first.
    const question = QUESTION_START.test(first) || words.length >= 3 || (!near && (words.length >= 2 || text.includes("?")));
    if (question) return { ok: true, command: { name: "ask", args: { text: text.trim() } } };
    return { ok: false, error: `Unknown command \`${truncate(first, 40)}\`.${near ? ` Did you mean \`${near}\`?` : ""}`, usage: usageText() };
  }
  const args: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    const flag = /^--?([a-z]+)(?:=(.*))?$/i.exec(word) ?? /^([a-z]+)=(.+)$/i.exec(word);
    const flagName = flag?.[1]?.toLowerCase();
    if (flag && flagName && spec.args.some((a) => a.name === flagName && !a.rest)) {
      const value = flag[2] ?? words[++i];
      if (!value) return { ok: false, error: `\`${flagName}\` needs a value.`, usage: usageOf(spec) };
      args[flagName] = value;
    } else {
      positional.push(word);
    }
  }
  for (const arg of spec.args) {
    if (arg.name in args) continue;
    if (arg.rest) {
      if (positional.length) args[arg.name] = positional.splice(0).join(" ");
      continue;
    }
    const next = positional.shift();
    if (next !== undefined) args[arg.name] = next;
  }
  if (positional.length) {
    return { ok: false, error: `Too many arguments for \`${spec.name}\`: ${truncate(positional.join(" "), 60)}`, usage: usageOf(spec) };
  }
  const missing = spec.args.find((a) => a.required && !(a.name in args));
  if (missing) return { ok: false, error: `\`${spec.name}\` needs a ${missing.name}.`, usage: usageOf(spec) };
  for (const [name, value] of Object.entries(args)) {
    if (name !== "text" && !/^[\w.-]{1,64}$/.test(value)) {
      return { ok: false, error: `\`${truncate(value, 40)}\` is not a valid ${name} name.`, usage: usageOf(spec) };
    }
  }
  return { ok: true, command: { name: spec.name as CommandName, args } };
}
