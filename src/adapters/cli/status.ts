/** `railcache status` and `railcache audit` at the terminal. */
import { renderText } from "../console/render.js";
import type { RequestContext } from "../../core/bot-core.js";
import type { Runtime } from "../../runtime.js";
import { auditText, listAuditEntries } from "../../core/audit.js";
import { DURATION_HINT, parseDuration } from "../../core/duration.js";
import type { Store } from "../../core/ports/store.js";
import { CliError, printJson, terminalActor, useColour } from "./io.js";

/** Asks BotCore as a chat user would (the policy's `status` rules apply); --json prints the same report as data. */
export async function statusCommand(runtime: Runtime, service: string | undefined, options: { env?: string; json?: boolean }): Promise<void> {
  const ctx: RequestContext = { actor: terminalActor(), target: { platform: "cli", channelId: "terminal" } };
  const { reply, json } = await runtime.bot.statusReport({ service, env: options.env }, ctx);
  if (options.json) printJson(json);
  else process.stdout.write(`${renderText(reply, { colour: useColour() })}\n`);
  // An unknown or ambiguous service is a failed lookup for scripts too.
  if (!json.ok) throw new CliError("", 1);
}

export async function auditCommand(store: Store, options: { since: string; json?: boolean }): Promise<void> {
  const span = parseDuration(options.since);
  if (span === null) throw new CliError(`--since takes ${DURATION_HINT} (got "${options.since}").`, 2);
  const entries = await listAuditEntries(store, { since: Date.now() - span });
  if (options.json) printJson(entries);
  else process.stdout.write(`${auditText(entries)}\n`);
}
