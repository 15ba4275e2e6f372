import { createAnswerEngine, loadKnowledgeBase } from "./core/kb/index.js";
import type { AnswerEngine } from "./core/kb/types.js";
import type { Logger } from "./log.js";

/** The built-in knowledge base plus a team's runbooks; broken files are logged and skipped. */
export function openKnowledge(kbDir: string | undefined, log: Logger): AnswerEngine {
  const kb = loadKnowledgeBase(kbDir ? { extraDir: kbDir } : {});
  for (const problem of kb.problems) {
    log.warn({ event: "kb.problem", file: problem.file, line: problem.line }, `knowledge base: ${problem.file}:${problem.line}: ${problem.message}`);
  }
  return createAnswerEngine(kb);
}
