/** `railcache unanswered` at the terminal: the questions the bot refused, grouped by the section each came closest to. */
import { DURATION_HINT, parseDuration } from "../../core/duration.js";
import type { Store } from "../../core/ports/store.js";
import { listUnanswered, unansweredText } from "../../core/unanswered.js";
import { CliError, printJson } from "./io.js";

export async function unansweredCommand(store: Store, titleOf: (id: string) => string | undefined, options: { since: string; json?: boolean }): Promise<void> {
  const span = parseDuration(options.since);
  if (span === null) throw new CliError(`--since takes ${DURATION_HINT} (got "${options.since}").`, 2);
  const questions = await listUnanswered(store, Date.now() - span);
  if (options.json) printJson(questions);
  else process.stdout.write(`${unansweredText(questions, titleOf)}\n`);
}
