import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { hasStoredModel, openAnswerEngine } from "./index.js";
import type { AnswerEngine, KbProblem, ModelCache } from "./types.js";
import type { Logger } from "../../log.js";

/** Where built answer models are kept between runs: the system's temporary folder, one file per knowledge base. */
export const MODEL_CACHE_DIR = join(tmpdir(), "railcache-models");
/**
 * Models built by `npm run build` for the built-in knowledge base, shipped beside the compiled
 * code: a fresh install or container answers at once instead of building one on its first start.
 */
export const SHIPPED_MODEL_DIR = fileURLToPath(new URL("./answer-models/", import.meta.url));
/** Stored models not used for this long are removed when a new one is written. */
const STALE_MS = 7 * 24 * 3600_000;

/** The built-in knowledge base plus a team's runbooks; broken files are logged and skipped. */
export function openKnowledge(
  kbDir: string | undefined,
  log: Logger,
  cacheDir: string | null = MODEL_CACHE_DIR,
  shippedDir: string | null = SHIPPED_MODEL_DIR,
): AnswerEngine {
  const cache = cacheDir ? fileModelCache(cacheDir, log) : undefined;
  const modelCache = cache && shippedDir ? readShippedFirst(fileModelCache(shippedDir, log), cache) : cache;
  const { engine, kb } = openAnswerEngine({ ...(kbDir ? { extraDir: kbDir } : {}), ...(modelCache ? { modelCache } : {}) });
  for (const problem of kb.problems) {
    log.warn({ event: "kb.problem", file: problem.file, line: problem.line }, `knowledge base: ${problem.file}:${problem.line}: ${problem.message}`);
  }
  return engine;
}

/**
 * What `npm run build` stores in `dir` (SHIPPED_MODEL_DIR): the built-in knowledge base's model and,
 * given a team's runbook folder, the model of both, so an image built with the team's runbooks in
 * it answers from them at once on every start instead of building their model each time (a
 * container's temporary folder starts empty). Gives the number of team sections and the runbook
 * folder's problems, which the build prints: the bot reports them again on every start.
 */
export function storeShippedModels(dir: string, kbDir: string | undefined, log: Logger): { teamSections: number; problems: KbProblem[] } {
  rmSync(dir, { recursive: true, force: true });
  openKnowledge(undefined, log, dir, null);
  if (!kbDir) return { teamSections: 0, problems: [] };
  const { kb } = openAnswerEngine({ extraDir: kbDir, modelCache: fileModelCache(dir, log) });
  return { teamSections: kb.sections.filter((section) => section.origin === "team").length, problems: kb.problems };
}

/**
 * Where the answer model of the built-in knowledge base plus `kbDir` is stored: by the build (a
 * start answers at once), by an earlier start in `cacheDir` (a new container or machine builds it
 * again), or nowhere (the next start builds it).
 */
export function storedModelOrigin(
  kbDir: string | undefined,
  log: Logger,
  cacheDir: string = MODEL_CACHE_DIR,
  shippedDir: string = SHIPPED_MODEL_DIR,
): "build" | "earlier start" | undefined {
  const options = kbDir ? { extraDir: kbDir } : {};
  if (hasStoredModel(fileModelCache(shippedDir, log), options)) return "build";
  return hasStoredModel(fileModelCache(cacheDir, log), options) ? "earlier start" : undefined;
}

/** Reads a shipped model first (a team's runbooks make another key, so they never match one); writes go to `cache`. */
function readShippedFirst(shipped: ModelCache, cache: ModelCache): ModelCache {
  return { read: (key) => shipped.read(key) ?? cache.read(key), write: (key, model) => cache.write(key, model) };
}

/**
 * A ModelCache in files named by the knowledge base's hash. Failures (a read-only disk, a
 * damaged file) only cost the time to build the model again: they are logged at debug level.
 */
export function fileModelCache(dir: string, log: Logger): ModelCache {
  const file = (key: string) => join(dir, `answer-model-${key}.bin`);
  return {
    read(key) {
      try {
        return readFileSync(file(key));
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
