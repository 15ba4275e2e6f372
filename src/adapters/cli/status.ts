/** `railcache status` and `railcache audit` at the terminal. */
import { renderText } from "../console/render.js";
import type { RailwayConnection } from "../../runtime.js";
import { auditText, listAuditEntries } from "../../core/audit.js";
import { DURATION_HINT, parseDuration } from "../../core/duration.js";
import { statusJson, projectStatusReply } from "../../core/status.js";
import type { Store } from "../../core/ports/store.js";
import { CliError, printJson, useColour } from "./io.js";

export async function statusCommand(
  railway: RailwayConnection,
  service: string | undefined,
  options: { env?: string; json?: boolean; defaultEnv: string },
): Promise<void> {
  const project = await railway.api.projectStatus(railway.projectId);
  const filter = { service, env: options.env, defaultEnv: options.defaultEnv };
  const json = statusJson(project, filter, Date.now());
  if (options.json) printJson(json);
  else process.stdout.write(`${renderText(projectStatusReply(project, filter, Date.now()), { colour: useColour() })}\n`);
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
