/** `railcache unanswered` at the terminal: the questions the bot refused, grouped by the section each came closest to. */
import { DURATION_HINT, parseDuration } from "../../core/duration.js";
import type { AnswerEngine } from "../../core/kb/index.js";
import type { Store } from "../../core/ports/store.js";
import { listUnanswered, stillRefused, unansweredText } from "../../core/unanswered.js";
import { CliError, printJson } from "./io.js";

/** Those the knowledge base answers now (examples added since) are counted, not listed; --json marks them. */
export async function unansweredCommand(store: Store, answers: AnswerEngine, options: { since: string; json?: boolean }): Promise<void> {
  const span = parseDuration(options.since);
  if (span === null) throw new CliError(`--since takes ${DURATION_HINT} (got "${options.since}").`, 2);
  const questions = await listUnanswered(store, Date.now() - span);
  if (options.json) {
    printJson(questions.map((q) => ({ ...q, answeredNow: answers.answer(q.text).matched })));
    return;
  }
  const { refused, answeredNow } = stillRefused(questions, answers);
  process.stdout.write(`${unansweredText(refused, (id) => answers.section(id)?.title, answeredNow)}\n`);
}
