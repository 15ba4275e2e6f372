/**
 * The console chat: a readline loop over the same BotCore the chat platforms use, so a
 * newcomer can try railcache with no tokens. Typing a number presses that button; `confirm` or
 * `cancel` presses the newest button of that kind.
 */
import { createInterface, type Interface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { BotCore, RequestContext, TrackedReply } from "../../core/bot-core.js";
import { toUserReply } from "../../core/errors.js";
import type { ChatTarget, MessageRef, Messenger } from "../../core/ports/chat.js";
import type { Action, Reply } from "../../core/reply.js";
import { markdownToPlain } from "../../core/text/markdown.js";
import { renderText } from "./render.js";

export interface ConsoleChatOptions {
  bot: BotCore;
  input: Readable;
  output: Writable;
  colour: boolean;
  /** Printed once at start: what this is and how to connect Slack or Discord. */
  intro: string;
  userName?: string;
}

/** A terminal (or something pretending to be one) that can move the cursor. */
type Output = Writable & { isTTY?: boolean; columns?: number };

const PROMPT = "you> ";
const ESC = "\u001b[";
// eslint-disable-next-line no-control-regex -- measuring text means skipping colour codes
const ANSI = /\u001b\[[0-9;]*m/g;

/** Rows `text` takes on a terminal `columns` wide (long lines wrap). */
function rowsOf(text: string, columns: number): number {
  return text.split("\n").reduce((rows, line) => rows + Math.max(1, Math.ceil([...line.replace(ANSI, "")].length / columns)), 0);
}

/**
 * Prints replies and numbers their actions; shared by the chat loop and the Messenger. On a
 * terminal an edit of the newest message redraws it in place and the `you>` prompt (with what
 * was typed so far) is drawn again under anything printed while it waited; elsewhere (a pipe, a
 * log) an edit is one line: the message's title and the first line of its new text.
 */
export class ConsolePrinter implements Messenger {
  private readonly actions = new Map<number, Action>();
  private nextAction = 1;
  private nextMessage = 1;
  /** The newest block on screen, while nothing but the prompt follows it: it can be redrawn. */
  private newest: { messageId: string; rows: number } | undefined;
  /** What each message shows now, so an edit that changes nothing prints nothing. */
  private readonly shown = new Map<string, string>();
  private input: Interface | undefined;
  /** The prompt is on screen and waits for typing (not while a typed line is handled). */
  private waiting = false;
  readonly live: boolean;

  constructor(
    private readonly output: Output,
    private readonly colour: boolean,
    options: { live?: boolean } = {},
  ) {
    this.live = options.live ?? Boolean(output.isTTY);
  }

  /** The readline interface whose prompt is redrawn after output printed while it waits. */
  attach(input: Interface): void {
    this.input = input;
  }

  /** Shows the prompt and marks it as waiting: output from now on is printed above it. */
  prompt(): void {
    this.waiting = true;
    if (this.input && this.live) this.input.prompt(true);
    else this.output.write(PROMPT);
  }

  /** A line was typed: replies to it follow it, and the blocks above it stay as they are. */
  typed(): void {
    this.waiting = false;
    this.newest = undefined;
  }

  print(reply: Reply): void {
    this.block(reply);
  }

  action(n: number): Action | undefined {
    return this.actions.get(n);
  }

  /** The newest button of this kind on screen: `confirm` presses the prompt just shown, whatever its number. */
  latest(kind: Action["kind"]): Action | undefined {
    const numbers = [...this.actions.keys()].filter((n) => this.actions.get(n)?.kind === kind);
    return numbers.length ? this.actions.get(Math.max(...numbers)) : undefined;
  }

  async post(target: ChatTarget, reply: Reply): Promise<MessageRef> {
    const messageId = String(this.nextMessage++);
    this.block(reply, messageId);
    return { ...target, messageId };
  }

  async update(ref: MessageRef, reply: Reply): Promise<void> {
    const text = renderText(reply, { colour: false });
    if (this.shown.get(ref.messageId) === text) return;
    if (this.live) {
      this.block(reply, ref.messageId, this.newest?.messageId === ref.messageId ? this.newest.rows : 0);
      return;
    }
    this.shown.set(ref.messageId, text);
    if (reply.actions?.length) {
      this.block(reply, ref.messageId);
      return;
    }
    const first =
      markdownToPlain(reply.body)
        .split("\n")
        .find((line) => line.trim() !== "") ?? "";
    this.around(() => this.output.write(`${reply.title}: ${first}\n`));
  }

  /** Prints a reply as a block (numbering its actions); `erase` rows above are the old copy, drawn over. */
  private block(reply: Reply, messageId?: string, erase = 0): void {
    const first = this.nextAction;
    for (const action of reply.actions ?? []) this.actions.set(this.nextAction++, action);
    const text = `\n${renderText(reply, { colour: this.colour, firstActionNumber: first })}\n\n`;
    if (messageId) this.shown.set(messageId, renderText(reply, { colour: false }));
    this.around(() => {
      if (erase > 0) this.output.write(`${ESC}${erase}A${ESC}J`);
      this.output.write(text);
    });
    const rows = rowsOf(text, this.output.columns ?? 80) - 1;
    this.newest = messageId && this.live ? { messageId, rows } : undefined;
  }

  /** Output while the prompt waits goes above it: clear the prompt line, print, draw it again. */
  private around(write: () => void): void {
    const redraw = this.waiting && this.live;
    if (redraw) {
      const below = this.input?.getCursorPos().rows ?? 0;
      this.output.write(`${below > 0 ? `${ESC}${below}A` : ""}\r${ESC}J`);
    }
    write();
    if (redraw) this.input?.prompt(true);
  }
}

/** Runs until the input ends or the user types `quit`. */
export async function runConsoleChat(options: ConsoleChatOptions, printer: ConsolePrinter): Promise<void> {
  const { bot, output } = options;
  const ctx: RequestContext = {
    actor: { platform: "console", userId: options.userName ?? "you", displayName: options.userName ?? "you", groups: [] },
    target: { platform: "console", channelId: "console" },
  };
  output.write(`${options.intro}\n\n`);
  const lines = createInterface({ input: options.input, output, terminal: printer.live, crlfDelay: Infinity, prompt: PROMPT });
  printer.attach(lines);
  // On a terminal readline reads Ctrl-C as a key: leave as `quit` does.
  lines.on("SIGINT", () => lines.close());
  printer.prompt();
  for await (const raw of lines) {
    printer.typed();
    const line = raw.trim();
    if (line === "quit" || line === "exit") break;
    if (line) {
      try {
        const reply = await dispatch(line, bot, ctx, printer);
        if (reply) await show(reply, printer);
      } catch (error) {
        printer.print({ ...toUserReply(error), private: false });
      }
    }
    printer.prompt();
  }
  lines.close();
}

async function dispatch(line: string, bot: BotCore, ctx: RequestContext, printer: ConsolePrinter): Promise<TrackedReply | undefined> {
  const command = /^\/?railcache\b\s*(.*)$/is.exec(line);
  if (command) return bot.command(command[1] ?? "", ctx);
  // The word for the button: button numbers depend on how many cards arrived first.
  const word = /^(confirm|cancel)$/i.exec(line)?.[1]?.toLowerCase() as "confirm" | "cancel" | undefined;
  if (word) {
    const action = printer.latest(word);
    if (action) return bot.action(action.kind, action.value ?? "", ctx);
    if (word === "confirm")
      return {
        title: "Nothing to confirm",
        body: "No cache clear or redeploy is waiting for a confirmation. Start one with `/railcache clear <service>`.",
        tone: "info",
      };
  }
  if (/^\d+$/.test(line)) {
    const action = printer.action(Number(line));
    if (!action) return { title: "No such button", body: `There is no action numbered ${line} on screen.`, tone: "warning" };
    if (action.kind === "link") return { title: action.label, body: action.url ?? "" };
    return bot.action(action.kind, action.value ?? "", ctx);
  }
  return bot.ask(line, ctx);
}

/** Prints a reply, unless core already posted it through the outbox (a workflow's status message). */
async function show(reply: TrackedReply, printer: ConsolePrinter): Promise<void> {
  if (!reply.posted) await printer.post({ platform: "console", channelId: "console" }, reply);
}
