/**
 * Run by `npm run build` after the compiler: builds the built-in knowledge base's answer model
 * and stores it in SHIPPED_MODEL_DIR (dist/core/kb/answer-models), where every start looks first.
 * With RAILCACHE_KB_DIR set (the Dockerfile sets it to the image's runbooks/), the model of the
 * built-in knowledge base plus that folder's runbooks is stored beside it.
 */
import { readdirSync } from "node:fs";
import { SHIPPED_MODEL_DIR, storeShippedModels } from "./core/kb/open-knowledge.js";
import { silentLogger } from "./log.js";

const kbDir = process.env.RAILCACHE_KB_DIR || undefined;
const problems = storeShippedModels(SHIPPED_MODEL_DIR, kbDir, silentLogger());
for (const problem of problems) process.stderr.write(`railcache build: warning: ${problem.file}:${problem.line}: ${problem.message}\n`);
const stored = readdirSync(SHIPPED_MODEL_DIR).filter((name) => name.startsWith("answer-model-"));
if (stored.length === 0) {
  process.stderr.write(`railcache build: the answer model was not stored in ${SHIPPED_MODEL_DIR}\n`);
  process.exit(1);
}
if (kbDir) process.stdout.write(`railcache build: stored the answer models for the built-in knowledge base and ${kbDir}\n`);
