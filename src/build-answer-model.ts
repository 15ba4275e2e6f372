/**
 * Run by `npm run build` after the compiler: builds the built-in knowledge base's answer model
 * and stores it in SHIPPED_MODEL_DIR (dist/core/kb/answer-models), where every start looks first.
 */
import { readdirSync, rmSync } from "node:fs";
import { SHIPPED_MODEL_DIR, openKnowledge } from "./core/kb/open-knowledge.js";
import { silentLogger } from "./log.js";

rmSync(SHIPPED_MODEL_DIR, { recursive: true, force: true });
openKnowledge(undefined, silentLogger(), SHIPPED_MODEL_DIR, null);
const stored = readdirSync(SHIPPED_MODEL_DIR).filter((name) => name.startsWith("answer-model-"));
if (stored.length !== 1) {
  process.stderr.write(`railcache build: the answer model was not stored in ${SHIPPED_MODEL_DIR}\n`);
  process.exit(1);
}
