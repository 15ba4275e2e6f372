/** `railcache check <questions.jsonl>`: a team's questions against its runbooks, as the bot answers them (for CI). */
import { readFileSync } from "node:fs";
import { checkQuestions, parseCheckQuestions, type CheckReport } from "../../core/kb/question-check.js";
import type { AnswerEngine } from "../../core/kb/index.js";
import { truncate } from "../../core/text/truncate.js";
import { CliError, printJson } from "./io.js";

/** Exit code when the share answered right is under --min: as `doctor --lint-only` when it finds something. */
export const CHECK_FAILED_EXIT = 3;

export function checkCommand(engine: AnswerEngine, file: string, options: { min: string; json?: boolean }): number {
  const min = Number(options.min);
  if (!Number.isFinite(min) || min < 0 || min > 1) throw new CliError(`--min takes a share from 0 to 1, like 0.9 (got "${options.min}").`, 2);
  let source: string;
  try {
    source = readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`, 2);
  }
  const { questions, problems } = parseCheckQuestions(source, engine.sections());
  if (problems.length) throw new CliError(`${file}:\n  ${problems.join("\n  ")}`, 2);
  if (questions.length === 0) throw new CliError(`${file} has no questions: one JSON object a line, {"text": "...", "expect": "Heading"}.`, 2);
  const report = checkQuestions(engine, questions);
  const passed = score(report) >= min;
  if (options.json) printJson({ ...report, passed });
  else process.stdout.write(`${checkText(report, file, min)}\n`);
  return passed ? 0 : CHECK_FAILED_EXIT;
}

/** Right answers and right refusals, of all questions. */
function score(report: CheckReport): number {
  const all = report.asked + report.refusals;
  return all === 0 ? 1 : (report.right + report.refused) / all;
}

function checkText(report: CheckReport, file: string, min: number): string {
  const lines = report.misses.map((m) => {
    const expected = m.expect ? m.expect.join(" or ") : "refused";
    const got = m.got ?? `refused${m.offered ? `, offering ${m.offered}` : ""}`;
    return `${file}:${m.line}: expected ${expected}, got ${got}: ${JSON.stringify(truncate(m.text.replace(/\s+/g, " "), 90))}`;
  });
  const share = Math.round(100 * score(report));
  lines.push(
    `${report.right}/${report.asked} answered from the expected section, ${report.refused}/${report.refusals} refused as expected: ${share}% (minimum ${Math.round(100 * min)}%).`,
  );
  if (report.misses.length)
    lines.push('Add a missed wording to the right heading\'s `examples:` (or to `negatives:`); `railcache ask --explain "..."` shows why.');
  return lines.join("\n");
}
