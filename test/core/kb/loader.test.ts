import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BUILTIN_KB_DIR, loadKnowledgeBase } from "../../../src/core/kb/index.js";
import { MAX_SECTION_ID } from "../../../src/core/kb/loader.js";

const REQUIRED_IDS = [
  "symptoms",
  "fix-dashboard",
  "fix-forced-clean-build",
  "fix-requirements-bust",
  "prevention",
  "triggers",
  "migrations",
  "config-as-code-deprecation",
  "railpack-django",
  "team-setup",
];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "railcache-kb-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const section = (id: string, extra = "") =>
  `---\nid: ${id}\ntitle: Title of ${id}\nkeywords: [alpha, beta]\nactions:\n  - kind: see_more\n    label: See more\n${extra}---\nAnswer for ${id}.\n<!-- more -->\nMore for ${id}.\n`;

describe("built-in knowledge base", () => {
  it("loads every required section from content/kb without problems", () => {
    const kb = loadKnowledgeBase();
    expect(kb.problems).toEqual([]);
    expect(kb.sections.map((s) => s.id)).toEqual(expect.arrayContaining(REQUIRED_IDS));
    expect(BUILTIN_KB_DIR.replace(/\\/g, "/")).toMatch(/content\/kb\/?$/);
  });

  it("keeps every built-in answer chat-sized with a title and a see-more text", () => {
    for (const s of loadKnowledgeBase().sections) {
      expect(s.answer.length, s.id).toBeLessThanOrEqual(1000);
      expect(s.title.length, s.id).toBeGreaterThan(0);
      expect(s.more.length, s.id).toBeGreaterThan(0);
    }
  });

  it("gives the valid Nixpacks form and names the guide's key as invalid", () => {
    const forced = loadKnowledgeBase().sections.find((s) => s.id === "fix-forced-clean-build");
    expect(forced?.answer).toContain("[build.nixpacksPlan.phases.install]");
    expect(forced?.answer).toMatch(/\[build\.nixpacksPhase\][^.]*not a Railway key/);
    expect(forced?.answer).toContain("NO_CACHE=1");
  });

  it("never speaks of the passed Config-as-Code cutoff as a future stop", () => {
    for (const s of loadKnowledgeBase().sections) {
      expect(`${s.title}\n${s.answer}\n${s.more}`, s.id).not.toMatch(/\b(?:stops?|will stop) (?:being )?read(?:ing)?\b[^.]*2026-12-01/i);
    }
  });

  it("gives every built-in section examples to learn from and keeps the near misses out of the sections", () => {
    const kb = loadKnowledgeBase();
    for (const s of kb.sections) expect(s.examples.length, s.id).toBeGreaterThanOrEqual(20);
    expect(kb.sections.map((s) => s.id)).not.toContain("off-topic");
    expect(kb.offTopic.length).toBeGreaterThanOrEqual(100);
  });
});

describe("examples and near misses in front-matter", () => {
  it("loads a section's examples and negatives, and an off-topic file only as near misses", () => {
    writeFileSync(
      join(dir, "a.md"),
      section("a", 'examples:\n  - "why is prod on old code"\n  - |\n    FieldError: Cannot resolve keyword\nnegatives: ["docker build cache"]\n'),
    );
    writeFileSync(
      join(dir, "off.md"),
      '---\nid: off-topic\ntitle: Not ours\nnever_answer: true\nexamples: ["how much is the pro plan"]\nteam_may_answer: ["our worker got OOM-killed"]\n---\nNear misses.\n',
    );
    const kb = loadKnowledgeBase({ builtinDir: dir });
    expect(kb.problems).toEqual([]);
    expect(kb.sections.map((s) => s.id)).toEqual(["a"]);
    expect(kb.sections[0]?.examples).toEqual(["why is prod on old code", "FieldError: Cannot resolve keyword"]);
    expect(kb.offTopic).toEqual(["docker build cache", "how much is the pro plan"]);
    expect(kb.teamMayAnswer).toEqual(["our worker got OOM-killed"]);
  });

  it("keeps a next: that names another section and reports one that names none", () => {
    writeFileSync(join(dir, "a.md"), section("a", "next: b\n"));
    writeFileSync(join(dir, "b.md"), section("b", "next: nowhere\n"));
    const kb = loadKnowledgeBase({ builtinDir: dir });
    expect(kb.sections.find((s) => s.id === "a")?.next).toBe("b");
    expect(kb.sections.find((s) => s.id === "b")).not.toHaveProperty("next");
    expect(kb.problems).toEqual([{ file: join(dir, "b.md"), line: 8, message: 'next: no other section has the id "nowhere"' }]);
  });

  it("reports an example that is not text with the file, the line and the item", () => {
    writeFileSync(join(dir, "a.md"), section("a", "examples:\n  - fine question\n  - [not, text]\n"));
    const kb = loadKnowledgeBase({ builtinDir: dir });
    expect(kb.sections).toEqual([]);
    expect(kb.problems[0]).toMatchObject({ file: join(dir, "a.md"), line: 8 });
    expect(kb.problems[0]?.message).toMatch(/examples\[1\]/);
  });

  it("gives a team runbook heading the examples keyed by its text and reports a key naming no heading", () => {
    const team = join(dir, "team");
    mkdirSync(team);
    writeFileSync(
      join(team, "ops.md"),
      '---\nexamples:\n  "Restart the worker": ["worker is stuck again", "kick the celery box"]\n  "No such heading": ["x y z"]\nnegatives: ["install celery on windows"]\n---\n# Ops\n## Restart the worker\nRun `railway redeploy`.\n',
    );
    const kb = loadKnowledgeBase({ builtinDir: BUILTIN_KB_DIR, extraDir: team });
    const restart = kb.sections.find((s) => s.title === "Restart the worker");
    expect(restart?.examples).toEqual(["worker is stuck again", "kick the celery box"]);
    // A team's negatives are kept apart from the built-in near misses: they always count against the team's sections.
    expect(kb.teamNegatives).toEqual(["install celery on windows"]);
    expect(kb.offTopic).not.toContain("install celery on windows");
    expect(kb.problems).toEqual([expect.objectContaining({ file: join(team, "ops.md"), line: 2, message: expect.stringMatching(/No such heading/) })]);
  });
});

describe("loadKnowledgeBase with broken files", () => {
  it("reports bad front-matter YAML with file and line and still loads the other files", () => {
    writeFileSync(join(dir, "good.md"), section("good"));
    writeFileSync(join(dir, "bad.md"), "---\nid: bad\ntitle: [unclosed\nkeywords: []\n---\nbody\n");
    const kb = loadKnowledgeBase({ builtinDir: dir });
    expect(kb.sections.map((s) => s.id)).toEqual(["good"]);
    expect(kb.problems).toHaveLength(1);
    expect(kb.problems[0]?.file).toBe(join(dir, "bad.md"));
    expect(kb.problems[0]?.line).toBeGreaterThanOrEqual(3);
    expect(kb.problems[0]?.message).toMatch(/YAML/);
  });

  it("points at the line of an invalid front-matter field", () => {
    writeFileSync(join(dir, "bad-action.md"), section("x", "").replace("kind: see_more", "kind: explode"));
    const kb = loadKnowledgeBase({ builtinDir: dir });
    expect(kb.sections).toEqual([]);
    expect(kb.problems[0]).toMatchObject({ file: join(dir, "bad-action.md"), line: 5 });
    expect(kb.problems[0]?.message).toMatch(/actions/);
  });

  it("reports empty, non-UTF-8 and duplicate-id files and keeps the rest", () => {
    writeFileSync(join(dir, "a.md"), section("same"));
    writeFileSync(join(dir, "b.md"), section("same"));
    writeFileSync(join(dir, "empty.md"), "  \n");
    writeFileSync(join(dir, "latin1.md"), Buffer.concat([Buffer.from(section("latin").slice(0, 40)), Buffer.from("\ncaf\xe9\n", "latin1")]));
    const kb = loadKnowledgeBase({ builtinDir: dir });
    expect(kb.sections.map((s) => s.id)).toEqual(["same"]);
    const byFile = Object.fromEntries(kb.problems.map((p) => [p.file.slice(dir.length + 1), p]));
    expect(byFile["b.md"]?.message).toMatch(/duplicate section id "same"/);
    expect(byFile["empty.md"]).toMatchObject({ line: 1, message: "file is empty" });
    expect(byFile["latin1.md"]?.message).toMatch(/UTF-8/);
    expect(byFile["latin1.md"]?.line).toBe(5);
  });

  it("reports a missing folder as a problem instead of throwing", () => {
    const kb = loadKnowledgeBase({ builtinDir: join(dir, "nope") });
    expect(kb.sections).toEqual([]);
    expect(kb.problems[0]?.message).toMatch(/cannot read folder/);
  });
});

describe("team runbooks (RAILCACHE_KB_DIR)", () => {
  it("turns each heading of a markdown runbook into a section with a stable id", () => {
    mkdirSync(join(dir, "ops"));
    writeFileSync(
      join(dir, "ops", "Celery Workers.md"),
      "# Celery workers\nIntro text.\n\n## Restarting the beat scheduler\nRun `railway restart` on the beat service.\n\n```\n# not a heading\n```\n\n### Empty\n\n## Flower dashboard\nOpen port 5555.\n",
    );
    const first = loadKnowledgeBase({ extraDir: dir });
    const team = first.sections.filter((s) => s.origin === "team");
    expect(team.map((s) => s.id)).toEqual([
      "team-ops-celery-workers-celery-workers",
      "team-ops-celery-workers-restarting-the-beat-scheduler",
      "team-ops-celery-workers-flower-dashboard",
    ]);
    expect(team[1]?.answer).toContain("# not a heading");
    expect(first.problems).toEqual([]);
    const again = loadKnowledgeBase({ extraDir: dir }).sections.filter((s) => s.origin === "team");
    expect(again.map((s) => s.id)).toEqual(team.map((s) => s.id));
  });

  it("reads a heading as it renders: names such as ALLOWED_HOSTS keep their underscores, emphasis and code marks go", () => {
    writeFileSync(
      join(dir, "settings.md"),
      '---\nexamples:\n  "Wiring `DATABASE_URL` with **reference** variables": ["web cant reach postgres.railway.internal"]\n---\n' +
        "# DEBUG, ALLOWED_HOSTS and CSRF per environment\nSet them per environment.\n\n" +
        "## Wiring `DATABASE_URL` with **reference** variables\nUse ${{Postgres.DATABASE_URL}}.\n\n" +
        "## _Escaped_ \\_markers\\_ and `__init__.py`\nKeep it.\n\n" +
        "## Errors go to [`Sentry`](https://sentry.io/organizations/acme/) and [PagerDuty][pd]\nOne org.\n",
    );
    const kb = loadKnowledgeBase({ extraDir: dir });
    const team = kb.sections.filter((s) => s.origin === "team");
    expect(team.map((s) => s.title)).toEqual([
      "DEBUG, ALLOWED_HOSTS and CSRF per environment",
      "Wiring DATABASE_URL with reference variables",
      "Escaped _markers_ and __init__.py",
      "Errors go to Sentry and PagerDuty",
    ]);
    expect(team[0]!.id).toBe("team-settings-debug-allowed-hosts-and-csrf-per-environment");
    expect(team[1]!.examples).toEqual(["web cant reach postgres.railway.internal"]);
    expect(kb.problems).toEqual([]);
  });

  it("keeps the id of a long file name and heading short enough for a button, and distinct", () => {
    const name = "Platform Operations Runbook For The Payments And Ledger Services In Production.md";
    const heading = "Restarting the payments ledger reconciliation worker after a failed nightly run";
    writeFileSync(join(dir, name), `# ${heading} on Monday\nOne.\n\n# ${heading} on Tuesday\nTwo.\n`);
    const team = loadKnowledgeBase({ extraDir: dir }).sections.filter((s) => s.origin === "team");
    expect(team).toHaveLength(2);
    for (const section of team) {
      expect(section.id.length).toBeLessThanOrEqual(MAX_SECTION_ID);
      expect(section.id).toMatch(/^team-platform-operations-runbook/);
    }
    expect(team[0]!.id).not.toBe(team[1]!.id);
  });

  it("cuts a long runbook section to a chat-sized answer and keeps the rest for see more", () => {
    const body = Array.from({ length: 60 }, (_, i) => `Step ${i}: do the thing number ${i} carefully.`).join("\n");
    writeFileSync(join(dir, "long.md"), `# Long procedure\n${body}\n`);
    const [long] = loadKnowledgeBase({ extraDir: dir }).sections.filter((s) => s.origin === "team");
    expect(long?.answer.length).toBeLessThanOrEqual(1002);
    expect(long?.more).toContain("Step 59");
  });

  it("skips a runbook with broken front-matter, naming it, while built-ins and other runbooks load", () => {
    writeFileSync(join(dir, "ok.md"), "# Good runbook\nWorks.\n");
    writeFileSync(join(dir, "broken.md"), "---\nkeywords: [a, b\n---\n# Heading\ntext\n");
    writeFileSync(join(dir, "noheadings.md"), "just some text\n");
    const kb = loadKnowledgeBase({ extraDir: dir });
    expect(kb.sections.some((s) => s.id === "symptoms")).toBe(true);
    expect(kb.sections.some((s) => s.id === "team-ok-good-runbook")).toBe(true);
    expect(kb.problems.map((p) => [p.file.slice(dir.length + 1), p.line])).toEqual([
      ["broken.md", 2],
      ["noheadings.md", 1],
    ]);
  });
});
