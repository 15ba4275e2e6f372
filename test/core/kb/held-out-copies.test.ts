import { describe, expect, it } from "vitest";
import { HELD_OUT_SETS, loadQuestions } from "../../../bench/answer-quality.js";
import { loadKnowledgeBase } from "../../../src/core/kb/index.js";

/** The sets the engine is judged on and never tuned on: no example may be a near copy of one of their questions. */
const JUDGED_ON = [...HELD_OUT_SETS, "questions-team-runbook.jsonl", "questions-holdout.jsonl", "questions-eval2.jsonl"];
/** Sharing more than this share of character trigrams (Jaccard) is a near copy: a rewording, not an independent question. */
const NEAR_COPY = 0.8;

function trigrams(text: string): Set<string> {
  const normalised = text.toLowerCase().split(/\s+/).filter(Boolean).join(" ");
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= normalised.length; i++) grams.add(normalised.slice(i, i + 3));
  return grams;
}

function similarity(a: Set<string>, b: Set<string>): number {
  // Jaccard can only exceed NEAR_COPY between sets of similar size: most pairs stop here.
  if (Math.min(a.size, b.size) < NEAR_COPY * Math.max(a.size, b.size)) return 0;
  let shared = 0;
  for (const gram of a) if (b.has(gram)) shared++;
  return shared / (a.size + b.size - shared || 1);
}

describe("examples and the question sets the engine is judged on", () => {
  it("has no example, near miss or team-runbook example that is a near copy of a held-out question", () => {
    const kb = loadKnowledgeBase({ extraDir: new URL("../../../examples/team-runbook/", import.meta.url).pathname });
    const examples = [...kb.sections.flatMap((s) => s.examples), ...kb.offTopic, ...kb.teamMayAnswer].map((text) => ({ text, grams: trigrams(text) }));
    expect(examples.length).toBeGreaterThan(2_000);
    const copies: string[] = [];
    for (const name of JUDGED_ON) {
      for (const question of loadQuestions(name)) {
        const grams = trigrams(question.text);
        // Named by id only: the held-out questions' text is not printed where it could be read and tuned to.
        for (const example of examples)
          if (similarity(grams, example.grams) > NEAR_COPY) copies.push(`${question.id} ~ example "${example.text.slice(0, 60)}"`);
      }
    }
    expect(copies).toEqual([]);
    // Every example against every judged question (~8 s alone, twice that beside the other test files on two cores).
  }, 60_000);
});
