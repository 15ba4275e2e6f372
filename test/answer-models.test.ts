/** What `npm run build` stores (src/answer-models.ts): the built-in model, and the team runbooks' beside it. */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildAnswerModels } from "../src/answer-models.js";

let root: string;
let out: string[];
let err: string[];
const models = () => readdirSync(join(root, "models"));
const build = (kbDir: string | undefined) =>
  buildAnswerModels(
    join(root, "models"),
    kbDir,
    (line) => out.push(line),
    (line) => err.push(line),
  );
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "railcache-build-"));
  out = [];
  err = [];
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("npm run build's answer models", () => {
  it("stores the built-in model, and with a runbook folder the model of both, printing the folder's problems", () => {
    expect(build(undefined)).toBe(0);
    expect(models()).toHaveLength(1);
    expect([out, err]).toEqual([[], []]);

    const team = join(root, "runbooks");
    mkdirSync(team);
    writeFileSync(join(team, "ops.md"), "# Restart the worker\nRun `railway redeploy --service worker` when the worker hangs.\n");
    writeFileSync(join(team, "broken.md"), "---\nexamples: [unclosed\n---\n# X\ntext\n");
    expect(build(team)).toBe(0);
    expect(models()).toHaveLength(2);
    expect(out).toEqual([`railcache build: stored the answer model of the built-in knowledge base plus 1 section from ${team}`]);
    expect(err).toHaveLength(1);
    expect(err[0]).toContain(`railcache build: warning: ${join(team, "broken.md")}:2: front-matter is not valid YAML`);
  });

  it("says a folder with no runbook needs nothing more, and fails with the reason for one it cannot read", () => {
    const empty = join(root, "empty");
    mkdirSync(empty);
    writeFileSync(join(empty, ".gitkeep"), "");
    expect(build(empty)).toBe(0);
    expect(models()).toHaveLength(1);
    expect(out).toEqual([`railcache build: no runbook in ${empty}; the built-in answer model serves it`]);
    expect(build(join(root, "missing"))).toBe(1);
    expect(err).toEqual([expect.stringMatching(/^railcache build: RAILCACHE_KB_DIR=.*missing cannot be read: ENOENT/)]);
    expect(models()).toHaveLength(1);
  });
});
