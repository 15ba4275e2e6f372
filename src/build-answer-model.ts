/**
 * Run by `npm run build` after the compiler: builds the built-in knowledge base's answer model
 * and stores it in SHIPPED_MODEL_DIR (dist/core/kb/answer-models), where every start looks first.
 * With RAILCACHE_KB_DIR set (the Dockerfile sets it to the image's runbooks/), the model of the
 * built-in knowledge base plus that folder's runbooks is stored beside it.
 */
import { readdirSync } from "node:fs";
import { SHIPPED_MODEL_DIR, storeShippedModels } from "./core/kb/open-knowledge.js";
import { silentLogger } from "./log.js";

function fail(message: string): never {
  process.stderr.write(`railcache build: ${message}\n`);
  process.exit(1);
}

const kbDir = process.env.RAILCACHE_KB_DIR || undefined;
// A folder that cannot be read would only be reported at every start: say so now.
if (kbDir) {
  try {
    readdirSync(kbDir);
  } catch (error) {
    fail(`RAILCACHE_KB_DIR=${kbDir} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
}
const { teamSections, problems } = storeShippedModels(SHIPPED_MODEL_DIR, kbDir, silentLogger());
for (const problem of problems) process.stderr.write(`railcache build: warning: ${problem.file}:${problem.line}: ${problem.message}\n`);
const stored = readdirSync(SHIPPED_MODEL_DIR).filter((name) => name.startsWith("answer-model-"));
// One model, and one more with the team's runbooks when the folder holds any.
if (stored.length !== (teamSections > 0 ? 2 : 1)) fail(`the answer models were not stored in ${SHIPPED_MODEL_DIR}`);
if (kbDir && teamSections === 0) process.stdout.write(`railcache build: no runbook in ${kbDir}; the built-in answer model serves it\n`);
else if (kbDir) {
  const sections = teamSections === 1 ? "1 section" : `${teamSections} sections`;
  process.stdout.write(`railcache build: stored the answer model of the built-in knowledge base plus ${sections} from ${kbDir}\n`);
}
