/** `railcache check`: a team's questions file scored against its runbooks, as the bot answers them. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { CHECK_FAILED_EXIT, checkCommand } from "../../../src/adapters/cli/check.js";
import { CliError } from "../../../src/adapters/cli/io.js";
import { createAnswerEngine, loadKnowledgeBase } from "../../../src/core/kb/index.js";

const dir = mkdtempSync(path.join(tmpdir(), "railcache-check-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const runbooks = path.join(dir, "runbooks");
mkdirSync(runbooks);
writeFileSync(
  path.join(runbooks, "search.md"),
  `---
examples:
  "Search results are stale after a deploy":
    - new products don't show up in search
    - meilisearch still returns deleted items
---
# Search
## Search results are stale after a deploy
Run \`python manage.py rebuild_index --noinput\` on the worker service after a deploy that changes an indexed model.
## Our current setup
Meilisearch runs as the \`search\` service on Railway; the master key is in the \`MEILI_MASTER_KEY\` shared variable.
`,
);
writeFileSync(
  path.join(runbooks, "payments.md"),
  "# Payments\n## Our current setup\nStripe in live mode on `web`; webhooks reach `/stripe/webhook`.\n" +
    "## Rolling `STRIPE_WEBHOOK_SECRET`\nRoll the signing secret in Stripe, then set STRIPE_WEBHOOK_SECRET on `web` and redeploy.\n",
);
const engine = createAnswerEngine(loadKnowledgeBase({ extraDir: runbooks }));

function questions(name: string, lines: object[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`);
  return file;
}

function run(file: string, options: { min: string; json?: boolean }): { code: number; out: string } {
  let out = "";
  const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  try {
    return { code: checkCommand(engine, file, options), out };
  } finally {
    write.mockRestore();
  }
}

const stale = { text: "products we added this morning are missing from the search results", expect: "Search results are stale after a deploy" };
const builtin = { text: "how do I clear the build cache on railway", expect: "fix-dashboard" };
const offTopic = { text: "what is the best pizza in town", expect: null };

describe("railcache check", () => {
  it("passes when the questions are answered from the sections named, by heading or id, and the refusals refused", () => {
    for (const q of [stale, builtin]) expect(engine.answer(q.text).section?.id, q.text).toBeDefined();
    const { code, out } = run(questions("good.jsonl", [stale, builtin, offTopic]), { min: "0.9" });
    expect(out).toBe("2/2 answered from the expected section, 1/1 refused as expected: 100% (minimum 90%).\n");
    expect(code).toBe(0);
    // Saved on Windows: a byte-order mark and CRLF line ends.
    const windows = path.join(dir, "windows.jsonl");
    writeFileSync(windows, `\uFEFF${[stale, builtin, offTopic].map((l) => JSON.stringify(l)).join("\r\n")}\r\n`);
    expect(run(windows, { min: "0.9" })).toEqual({ code: 0, out });
  });

  it("lists each miss with its file and line, and exits 3 under the minimum", () => {
    const file = questions("miss.jsonl", [
      stale,
      { text: offTopic.text, expect: "search.md#Our current setup" },
      { text: builtin.text, expect: stale.expect },
      { text: builtin.text, expect: null },
      offTopic,
    ]);
    const { code, out } = run(file, { min: "0.9" });
    expect(code).toBe(CHECK_FAILED_EXIT);
    expect(out).toContain(`${file}:2: expected team-search-our-current-setup, got refused`);
    expect(out).toContain(`${file}:3: expected team-search-search-results-are-stale-after-a-deploy, got fix-dashboard`);
    expect(out).toContain(`${file}:4: expected refused, got fix-dashboard`);
    expect(out).toContain("1/3 answered from the expected section, 1/2 refused as expected: 40% (minimum 90%).");
    expect(run(file, { min: "0.4" }).code).toBe(0);
    const json = JSON.parse(run(file, { min: "0.9", json: true }).out) as { right: number; passed: boolean; misses: { line: number }[] };
    expect(json).toMatchObject({ right: 1, refused: 1, passed: false, misses: [{ line: 2 }, { line: 3 }, { line: 4 }] });
  });

  it("refuses a file it cannot use, naming each line's problem, before answering anything", () => {
    const file = path.join(dir, "bad.jsonl");
    writeFileSync(
      file,
      [
        JSON.stringify({ text: "x", expect: "Search results are stail after a deploy" }),
        "not json",
        JSON.stringify({ text: "no expect" }),
        JSON.stringify({ text: "shared heading", expect: "Our current setup" }),
      ].join("\n"),
    );
    let error: unknown;
    try {
      run(file, { min: "0.9" });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    const message = (error as Error).message;
    expect(message).toContain(
      'line 1: no heading or section "Search results are stail after a deploy" (did you mean "Search results are stale after a deploy"?)',
    );
    expect(message).toContain("line 2: not a JSON object");
    expect(message).toContain('line 3: needs "expect"');
    expect(message).toContain('line 4: "Our current setup" is a heading of 2 files: write "payments.md#Our current setup" or "search.md#Our current setup"');
    expect(() => run(path.join(dir, "missing.jsonl"), { min: "0.9" })).toThrow(/Cannot read .*missing\.jsonl: ENOENT/);
    expect(() => run(questions("ok.jsonl", [stale]), { min: "90%" })).toThrow(/--min takes a share from 0 to 1/);
  });

  it("finds a heading named as it reads or as written, a name with underscores in it included", () => {
    const file = questions("underscores.jsonl", [
      { text: "stripe says the webhook signature does not match, how do we roll the signing secret", expect: "Rolling STRIPE_WEBHOOK_SECRET" },
      { text: "how do we roll the stripe signing secret without dropping webhooks", expect: "payments.md#Rolling `STRIPE_WEBHOOK_SECRET`" },
    ]);
    expect(engine.answer("stripe says the webhook signature does not match, how do we roll the signing secret").section?.title).toBe(
      "Rolling STRIPE_WEBHOOK_SECRET",
    );
    expect(run(file, { min: "1" })).toEqual({ code: 0, out: "2/2 answered from the expected section, 0/0 refused as expected: 100% (minimum 100%).\n" });
  });

  it("passes on the example runbook's own questions file (the README points teams to it)", () => {
    const folder = new URL("../../../examples/team-runbook/", import.meta.url).pathname;
    const example = createAnswerEngine(loadKnowledgeBase({ extraDir: folder }));
    let out = "";
    const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      out += String(chunk);
      return true;
    });
    try {
      expect(checkCommand(example, path.join(folder, "questions.jsonl"), { min: "1" })).toBe(0);
    } finally {
      write.mockRestore();
    }
    expect(out).toMatch(/^5\/5 answered from the expected section, 1\/1 refused as expected: 100%/);
  });
});
