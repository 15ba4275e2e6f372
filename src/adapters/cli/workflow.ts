/** `railcache clear|redeploy`: the guarded workflow at the terminal, confirmed by a prompt or --yes. */
import { renderText } from "../console/render.js";
import type { RequestContext } from "../../core/bot-core.js";
import type { Runtime } from "../../runtime.js";
import type { MessageRef, Messenger } from "../../core/ports/chat.js";
import type { Reply } from "../../core/reply.js";
import type { WorkflowKind } from "../../core/workflow/engine.js";
import { CliError, confirmAtTerminal, printJson, terminalActor, useColour } from "./io.js";

/** Prints each workflow step as it happens (the terminal's "edit in place"). */
class TerminalMessenger implements Messenger {
  constructor(private readonly quiet: boolean) {}
  async post(target: { platform: "cli"; channelId: string }, reply: Reply): Promise<MessageRef> {
    this.print(reply);
    return { ...target, messageId: "1" };
  }
  async update(_ref: MessageRef, reply: Reply): Promise<void> {
    this.print(reply);
  }
  private print(reply: Reply): void {
    if (!this.quiet) process.stdout.write(`${renderText({ ...reply, actions: [] }, { colour: useColour() })}\n\n`);
  }
}

/** A reply core did not post (a refusal, an unknown service) is the command's failure. */
function fail(reply: Reply, json: boolean | undefined): never {
  if (json) printJson({ ok: false, title: reply.title, message: reply.body });
  else process.stderr.write(`${renderText(reply, { colour: false })}\n`);
  throw new CliError("", 1);
}

/** Asks BotCore as a chat user would: core posts the prompt and every step to the terminal's messenger. */
export async function workflowCommand(
  runtime: Runtime,
  kind: WorkflowKind,
  service: string,
  options: { env?: string; yes?: boolean; json?: boolean },
): Promise<void> {
  const workflows = runtime.workflows;
  if (!workflows) throw new CliError("Railway is not connected.");
  runtime.messengers.register("cli", new TerminalMessenger(Boolean(options.json)));
  const ctx: RequestContext = { actor: terminalActor(), target: { platform: "cli", channelId: "terminal" } };

  const requested = await runtime.bot.command([kind, service, ...(options.env ? [options.env] : [])].join(" "), ctx);
  if (!requested.posted || !requested.workflowId) fail(requested, options.json);
  const workflowId = requested.workflowId;

  const go = options.yes || (await confirmAtTerminal(kind === "clear" ? "Clear the build cache and rebuild?" : "Rebuild?"));
  if (!go) {
    await runtime.bot.action("cancel", workflowId, ctx);
    throw new CliError(
      process.stdin.isTTY ? "Cancelled: nothing was changed." : "Not confirmed: pass --yes to run without a terminal prompt. Nothing was changed.",
      1,
    );
  }
  const confirmed = await runtime.bot.action("confirm", workflowId, ctx);
  // A refusal, or a newer deployment that needs a fresh confirmation (shown in place of the prompt).
  if (!confirmed.posted || confirmed.workflowId !== workflowId) fail(confirmed, options.json);
  const final = await workflows.settled(workflowId);
  const succeeded = final?.state === "done" && final.data.outcome === "deployed";
  if (options.json) printJson({ ok: succeeded, workflow: final });
  if (!succeeded) throw new CliError("", 1);
}
