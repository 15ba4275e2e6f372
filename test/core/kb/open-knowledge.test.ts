import { chmodSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fileModelCache, openKnowledge, storeShippedModels } from "../../../src/core/kb/open-knowledge.js";
import { silentLogger } from "../../../src/log.js";

const log = silentLogger();
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "railcache-models-test-"));
});
afterEach(() => {
  chmodSync(dir, 0o700);
  rmSync(dir, { recursive: true, force: true });
});

describe("the answer model cache on disk", () => {
  it("stores the model once and answers the same from it on the next start", () => {
    const first = openKnowledge(undefined, log, dir);
    const stored = readdirSync(dir);
    expect(stored).toEqual([expect.stringMatching(/^answer-model-files-[0-9a-f]{32}\.bin$/)]);
    const second = openKnowledge(undefined, log, dir);
    expect(readdirSync(dir)).toEqual(stored);
    expect(second.answer("railway keeps serving old code after a deploy")).toEqual(first.answer("railway keeps serving old code after a deploy"));
  });

  it("answers from the model shipped by the build without building or storing another, unless a team runbook is added", () => {
    const shipped = mkdtempSync(join(tmpdir(), "railcache-shipped-"));
    const team = mkdtempSync(join(tmpdir(), "railcache-team-"));
    try {
      const built = openKnowledge(undefined, log, shipped, null);
      const fromShipped = openKnowledge(undefined, log, dir, shipped);
      expect(readdirSync(dir)).toEqual([]);
      const question = "prod throws FieldError: Invalid field name(s) after the deploy";
      expect(fromShipped.answer(question)).toEqual(built.answer(question));
      writeFileSync(join(team, "ops.md"), "# Restart the worker\nRun `railway redeploy --service worker` when the worker hangs.\n");
      openKnowledge(team, log, dir, shipped);
      expect(readdirSync(dir)).toHaveLength(1);
    } finally {
      rmSync(shipped, { recursive: true, force: true });
      rmSync(team, { recursive: true, force: true });
    }
  });

  it("builds a new model when a runbook file changes, and reports a broken file on every start", () => {
    const team = mkdtempSync(join(tmpdir(), "railcache-team-"));
    const warnings: string[] = [];
    const recording = { ...log, warn: (_fields: unknown, message: string) => void warnings.push(message) } as typeof log;
    try {
      writeFileSync(join(team, "ops.md"), "# Restart the worker\nRun `railway redeploy --service worker` when the worker hangs.\n");
      writeFileSync(join(team, "broken.md"), "---\nexamples: [unclosed\n---\n# X\ntext\n");
      openKnowledge(team, recording, dir);
      const second = openKnowledge(team, recording, dir);
      expect(readdirSync(dir)).toHaveLength(1);
      expect(warnings.filter((w) => w.includes("broken.md"))).toHaveLength(2);
      expect(second.answer("the celery worker hangs, how do I restart the worker").answer).toContain("railway redeploy --service worker");
      writeFileSync(join(team, "ops.md"), "# Restart the worker\nRun `railway restart --service worker` when the worker hangs.\n");
      const third = openKnowledge(team, recording, dir);
      expect(readdirSync(dir)).toHaveLength(2);
      expect(third.answer("the celery worker hangs, how do I restart the worker").answer).toContain("railway restart --service worker");
    } finally {
      rmSync(team, { recursive: true, force: true });
    }
  });

  it("removes stored models unused for a week when it writes a new one, older formats' files too", () => {
    const old = join(dir, "answer-model-0123.json");
    writeFileSync(old, "{}");
    const weekAgo = new Date(Date.now() - 8 * 24 * 3600_000);
    utimesSync(old, weekAgo, weekAgo);
    fileModelCache(dir, log).write("abcd", Buffer.from("RCAM"));
    expect(readdirSync(dir)).toEqual(["answer-model-abcd.bin"]);
  });

  it("answers without a cache when the folder cannot be written", () => {
    if (process.getuid?.() === 0) {
      // root writes anywhere: point the cache at a file instead of a folder.
      const notADir = join(dir, "file");
      writeFileSync(notADir, "x");
      expect(openKnowledge(undefined, log, notADir).answer("deploy shows old code").section?.id).toBe("symptoms");
      return;
    }
    chmodSync(dir, 0o500);
    expect(openKnowledge(undefined, log, dir).answer("deploy shows old code").section?.id).toBe("symptoms");
  });
});

describe("the models an image build stores (npm run build with RAILCACHE_KB_DIR, the Dockerfile's runbooks/)", () => {
  const RUNBOOK = "# Restart the worker\nRun `railway redeploy --service worker` when the worker hangs.\n";
  let shipped: string;
  let team: string;
  beforeEach(() => {
    shipped = mkdtempSync(join(tmpdir(), "railcache-shipped-"));
    team = mkdtempSync(join(tmpdir(), "railcache-team-"));
  });
  afterEach(() => {
    rmSync(shipped, { recursive: true, force: true });
    rmSync(team, { recursive: true, force: true });
  });
  const recordingLog = (warnings: string[]) => ({ ...log, warn: (_fields: unknown, message: string) => void warnings.push(message) }) as typeof log;

  it("stores the team runbooks' model beside the built-in one, and a start with that folder answers from it without building", () => {
    writeFileSync(join(team, "ops.md"), RUNBOOK);
    expect(storeShippedModels(shipped, team, log)).toEqual({ teamSections: 1, problems: [] });
    expect(readdirSync(shipped)).toHaveLength(2);
    const started = openKnowledge(team, log, dir, shipped);
    // Nothing was built: a built model would have been stored in the (empty) cache folder.
    expect(readdirSync(dir)).toEqual([]);
    expect(started.answer("the celery worker hangs, how do I restart the worker").answer).toContain("railway redeploy --service worker");
    // An edited runbook is not the one the image stored: its model is built (and kept) at start.
    writeFileSync(join(team, "ops.md"), RUNBOOK.replace("redeploy", "restart"));
    expect(openKnowledge(team, log, dir, shipped).answer("the celery worker hangs, how do I restart the worker").answer).toContain(
      "railway restart --service worker",
    );
    expect(readdirSync(dir)).toHaveLength(1);
  });

  it("answers from the built-in model for a runbook folder with no runbook in it, and still reports one that cannot be read", () => {
    writeFileSync(join(team, ".gitkeep"), "");
    expect(storeShippedModels(shipped, team, log)).toEqual({ teamSections: 0, problems: [] });
    expect(readdirSync(shipped)).toHaveLength(1);
    expect(openKnowledge(team, log, dir, shipped).answer("deploy shows old code").section?.id).toBe("symptoms");
    expect(readdirSync(dir)).toEqual([]);
    const warnings: string[] = [];
    openKnowledge(join(team, "missing"), recordingLog(warnings), dir, shipped);
    expect(warnings.join("\n")).toMatch(/missing:0: cannot read folder/);
  });

  it("gives the build the runbook folder's problems to print, and stores the model of the rest", () => {
    writeFileSync(join(team, "ops.md"), RUNBOOK);
    writeFileSync(join(team, "broken.md"), "---\nexamples: [unclosed\n---\n# X\ntext\n");
    const { problems } = storeShippedModels(shipped, team, log);
    expect(problems.map((p) => p.file)).toEqual([join(team, "broken.md")]);
    const warnings: string[] = [];
    openKnowledge(team, recordingLog(warnings), dir, shipped);
    expect(readdirSync(dir)).toEqual([]);
    expect(warnings.filter((w) => w.includes("broken.md"))).toHaveLength(1);
  });
});
