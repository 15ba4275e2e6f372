/** `railcache setup [service] --env <env>`: the team's real setup from Railway, at the terminal. */
import { renderText } from "../console/render.js";
import type { RailwayConnection } from "../../runtime.js";
import { migrationChecks, selectServices, setupReply } from "../../core/setup/index.js";
import { CliError, printJson, useColour } from "./io.js";

export async function setupCliCommand(
  railway: RailwayConnection,
  service: string | undefined,
  options: { env?: string; json?: boolean; defaultEnv: string },
): Promise<void> {
  const setup = await railway.api.projectSetup(railway.projectId, { environmentName: options.env ?? options.defaultEnv });
  const selected = selectServices(setup, { ...(service ? { service } : {}), ...(options.env ? { env: options.env } : {}), defaultEnv: options.defaultEnv });
  if (!Array.isArray(selected)) throw new CliError(selected.body.replace(/`/g, ""), 1);
  if (options.json) {
    printJson({
      project: { id: setup.projectId, name: setup.projectName },
      services: selected.map((s) => ({ ...s, checks: migrationChecks(s) })),
      databases: setup.databases,
    });
    return;
  }
  process.stdout.write(`${renderText(setupReply(setup, selected, Date.now()), { colour: useColour() })}\n`);
}
