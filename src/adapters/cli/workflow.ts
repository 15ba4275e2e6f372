/** `railcache clear|redeploy`: the guarded workflow at the terminal, confirmed by a prompt or --yes. */
import { renderText } from "../console/render.js";
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

export async function workflowCommand(
  runtime: Runtime,
  kind: WorkflowKind,
  service: string,
  options: { env?: string; yes?: boolean; json?: boolean },
): Promise<void> {
  const workflows = runtime.workflows;
  if (!workflows) throw new CliError("Railway is not connected.");
  const actor = terminalActor();
  const terminal = new TerminalMessenger(Boolean(options.json));
  runtime.messengers.register("cli", terminal);

  const requested = await workflows.request({ actor, kind, service, ...(options.env ? { environment: options.env } : {}) });
  if (!requested.ok) {
    if (options.json) printJson({ ok: false, title: requested.reply.title, message: requested.reply.body });
    else process.stderr.write(`${renderText(requested.reply, { colour: false })}\n`);
    throw new CliError("", 1);
  }
  const ref = await terminal.post({ platform: "cli", channelId: "terminal" }, requested.reply);
  await workflows.attachMessage(requested.workflowId, ref);

  const go = options.yes || (await confirmAtTerminal(kind === "clear" ? "Clear the build cache and rebuild?" : "Rebuild?"));
  if (!go) {
    await workflows.cancel({ workflowId: requested.workflowId }, actor);
    throw new CliError(process.stdin.isTTY ? "Cancelled: nothing was changed." : "Not confirmed: pass --yes to run without a terminal prompt. Nothing was changed.", 1);
  }
  const confirmed = await workflows.confirm(requested.workflowId, actor);
  if (!confirmed.ok) {
    if (!options.json) process.stderr.write(`${renderText(confirmed.reply, { colour: false })}\n`);
    else printJson({ ok: false, title: confirmed.reply.title, message: confirmed.reply.body });
    throw new CliError("", 1);
  }
  // The confirmation's own status is the caller's to show (the engine edits from the next step on).
  await terminal.update(ref, confirmed.reply);
  const final = await workflows.settled(requested.workflowId);
  const succeeded = final?.state === "done" && final.data.outcome === "deployed";
  if (options.json) printJson({ ok: succeeded, workflow: final });
  if (!succeeded) throw new CliError("", 1);
}
