/**
 * The console chat: a readline loop over the same BotCore the chat platforms use, so a
 * newcomer can try railcache with no tokens. Typing a number presses that button.
 */
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { BotCore, RequestContext, TrackedReply } from "../../core/bot-core.js";
import { toUserReply } from "../../core/errors.js";
import type { ChatTarget, MessageRef, Messenger } from "../../core/ports/chat.js";
import type { Action, Reply } from "../../core/reply.js";
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

/** Prints replies and numbers their actions; shared by the chat loop and the Messenger. */
export class ConsolePrinter implements Messenger {
  private readonly actions = new Map<number, Action>();
  private nextAction = 1;
  private nextMessage = 1;

  constructor(
    private readonly output: Writable,
    private readonly colour: boolean,
  ) {}

  print(reply: Reply, prefix = ""): void {
    const first = this.nextAction;
    for (const action of reply.actions ?? []) this.actions.set(this.nextAction++, action);
    const text = renderText(reply, { colour: this.colour, firstActionNumber: first });
    this.output.write(`\n${prefix}${text}\n\n`);
  }

  action(n: number): Action | undefined {
    return this.actions.get(n);
  }

  async post(target: ChatTarget, reply: Reply): Promise<MessageRef> {
    this.print(reply);
    return { ...target, messageId: String(this.nextMessage++) };
  }

  async update(_ref: MessageRef, reply: Reply): Promise<void> {
    // A terminal cannot edit what has scrolled by: print the new state, marked as an update.
    this.print(reply, "↻ ");
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
  const lines = createInterface({ input: options.input, output, terminal: false, crlfDelay: Infinity });
  const prompt = () => output.write("you> ");
  prompt();
  for await (const raw of lines) {
    const line = raw.trim();
    if (line === "quit" || line === "exit") break;
    if (line) {
      try {
        const reply = await dispatch(line, bot, ctx, printer);
        if (reply) await show(reply, bot, ctx, printer);
      } catch (error) {
        printer.print({ ...toUserReply(error), private: false });
      }
    }
    prompt();
  }
  lines.close();
}

async function dispatch(line: string, bot: BotCore, ctx: RequestContext, printer: ConsolePrinter): Promise<TrackedReply | undefined> {
  const command = /^\/?railcache\b\s*(.*)$/is.exec(line);
  if (command) return bot.command(command[1] ?? "", ctx);
  if (/^\d+$/.test(line)) {
    const action = printer.action(Number(line));
    if (!action) return { title: "No such button", body: `There is no action numbered ${line} on screen.`, tone: "warning" };
    if (action.kind === "link") return { title: action.label, body: action.url ?? "" };
    return bot.action(action.kind, action.value ?? "", ctx);
  }
  return bot.ask(line, ctx);
}

async function show(reply: TrackedReply, bot: BotCore, ctx: RequestContext, printer: ConsolePrinter): Promise<void> {
  const ref = await printer.post(ctx.target, reply);
  if (reply.workflowId) await bot.attachMessage(reply.workflowId, ref);
}
