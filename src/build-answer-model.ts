/**
 * Run by `npm run build` after the compiler: stores the answer models in SHIPPED_MODEL_DIR
 * (dist/core/kb/answer-models), with RAILCACHE_KB_DIR's runbooks when it is set (answer-models.ts).
 */
import { buildAnswerModels } from "./answer-models.js";
import { SHIPPED_MODEL_DIR } from "./core/kb/open-knowledge.js";

process.exitCode = buildAnswerModels(
  SHIPPED_MODEL_DIR,
  process.env.RAILCACHE_KB_DIR || undefined,
  (line) => process.stdout.write(`${line}\n`),
  (line) => process.stderr.write(`${line}\n`),
);
