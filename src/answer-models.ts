/**
 * What `npm run build` does after the compiler (build-answer-model.ts runs it): builds the
 * built-in knowledge base's answer model and stores it where every start looks first and, given
 * a team's runbook folder (RAILCACHE_KB_DIR; the Dockerfile sets it to the image's runbooks/), the
 * model of the built-in knowledge base plus those runbooks beside it.
 */
import { readdirSync } from "node:fs";
import { storeShippedModels } from "./core/kb/open-knowledge.js";
import { silentLogger } from "./log.js";

/** Stores the models in `dir`; says what it did on `out`, problems on `err`; returns the exit code. */
export function buildAnswerModels(dir: string, kbDir: string | undefined, out: (line: string) => void, err: (line: string) => void): number {
  // A folder that cannot be read would only be reported at every start: say so now.
  if (kbDir) {
    try {
      readdirSync(kbDir);
    } catch (error) {
      err(`railcache build: RAILCACHE_KB_DIR=${kbDir} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    }
  }
  const { teamSections, problems } = storeShippedModels(dir, kbDir, silentLogger());
  for (const problem of problems) err(`railcache build: warning: ${problem.file}:${problem.line}: ${problem.message}`);
  const stored = readdirSync(dir).filter((name) => name.startsWith("answer-model-"));
  // One model, and one more with the team's runbooks when the folder holds any.
  if (stored.length !== (teamSections > 0 ? 2 : 1)) {
    err(`railcache build: the answer models were not stored in ${dir}`);
    return 1;
  }
  if (kbDir && teamSections === 0) out(`railcache build: no runbook in ${kbDir}; the built-in answer model serves it`);
  else if (kbDir)
    out(
      `railcache build: stored the answer model of the built-in knowledge base plus ${teamSections === 1 ? "1 section" : `${teamSections} sections`} from ${kbDir}`,
    );
  return 0;
}
