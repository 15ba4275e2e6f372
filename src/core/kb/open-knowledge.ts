import { mkdirSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openAnswerEngine } from "./index.js";
import type { AnswerEngine, ModelCache } from "./types.js";
import type { Logger } from "../../log.js";

/** Where built answer models are kept between runs: the system's temporary folder, one file per knowledge base. */
export const MODEL_CACHE_DIR = join(tmpdir(), "railcache-models");
/** Stored models not used for this long are removed when a new one is written. */
const STALE_MS = 7 * 24 * 3600_000;

/** The built-in knowledge base plus a team's runbooks; broken files are logged and skipped. */
export function openKnowledge(kbDir: string | undefined, log: Logger, cacheDir: string | null = MODEL_CACHE_DIR): AnswerEngine {
  const { engine, kb } = openAnswerEngine({ ...(kbDir ? { extraDir: kbDir } : {}), ...(cacheDir ? { modelCache: fileModelCache(cacheDir, log) } : {}) });
  for (const problem of kb.problems) {
    log.warn({ event: "kb.problem", file: problem.file, line: problem.line }, `knowledge base: ${problem.file}:${problem.line}: ${problem.message}`);
  }
  return engine;
}

/**
 * A ModelCache in files named by the knowledge base's hash. Failures (a read-only disk, a
 * damaged file) only cost the time to build the model again: they are logged at debug level.
 */
export function fileModelCache(dir: string, log: Logger): ModelCache {
  const file = (key: string) => join(dir, `answer-model-${key}.json`);
  return {
    read(key) {
      try {
        return readFileSync(file(key), "utf8");
      } catch {
        return undefined;
      }
    },
    write(key, model) {
      try {
        mkdirSync(dir, { recursive: true });
        // Write then rename: a reader never sees half a file, even with several processes starting.
        const partial = `${file(key)}.${process.pid}.tmp`;
        writeFileSync(partial, model);
        renameSync(partial, file(key));
        removeStale(dir, file(key));
      } catch (error) {
        log.debug({ event: "kb.model_cache_write_failed", err: error }, "could not store the answer model; it will be built again next time");
      }
    },
  };
}

function removeStale(dir: string, keep: string): void {
  const now = Date.now();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (path === keep || !name.startsWith("answer-model-")) continue;
    try {
      if (now - statSync(path).mtimeMs > STALE_MS) unlinkSync(path);
    } catch {
      // Another process removed it first.
    }
  }
}
