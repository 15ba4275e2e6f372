import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadKnowledgeBase } from "../../../src/core/kb/index.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const FIXTURES = join(ROOT, "test/fixtures");
const TEAM_RUNBOOK = join(ROOT, "examples/team-runbook");

const kb = loadKnowledgeBase({ extraDir: TEAM_RUNBOOK });
const ids = new Set(kb.sections.map((s) => s.id));
const builtinIds = kb.sections.filter((s) => s.origin === "builtin").map((s) => s.id);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe("section ids", () => {
  it("loads the built-in knowledge base and the example team runbook without problems", () => {
    expect(kb.problems).toEqual([]);
  });

  it("resolves every section id a question fixture expects", () => {
    const unknown: string[] = [];
    for (const file of readdirSync(FIXTURES).filter((f) => f.endsWith(".jsonl"))) {
      for (const line of readFileSync(join(FIXTURES, file), "utf8").split("\n")) {
        if (!line.trim()) continue;
        const q = JSON.parse(line) as { id: string; expect: string | string[] | null; also?: string };
        for (const id of [q.expect, q.also].flat()) if (typeof id === "string" && !ids.has(id)) unknown.push(`${file} ${q.id}: ${id}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  // Routing lives in the content: code that names a section would route by hand again.
  it("is never named in the source code", () => {
    const named: string[] = [];
    for (const file of sourceFiles(join(ROOT, "src"))) {
      const text = readFileSync(file, "utf8");
      for (const id of builtinIds) if (text.includes(`"${id}"`) || text.includes(`'${id}'`) || text.includes(`\`${id}\``)) named.push(`${file}: ${id}`);
    }
    expect(named).toEqual([]);
  });
});
