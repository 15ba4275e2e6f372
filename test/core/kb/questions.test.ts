import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createAnswerEngine, loadKnowledgeBase } from "../../../src/core/kb/index.js";

interface Question {
  id: string;
  text: string;
  expect: string | null;
}

const engine = createAnswerEngine(loadKnowledgeBase());

function load(name: string): Question[] {
  const text = readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), "utf8");
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Question);
}

function score(questions: Question[]) {
  const misses: string[] = [];
  let onTopic = 0;
  let onTopicRight = 0;
  let offTopic = 0;
  let offTopicRight = 0;
  for (const q of questions) {
    const result = engine.answer(q.text);
    const got = result.matched ? (result.section?.id ?? null) : null;
    if (q.expect === null) {
      offTopic++;
      if (!result.matched) offTopicRight++;
    } else {
      onTopic++;
      if (got === q.expect) onTopicRight++;
    }
    if (got !== q.expect) misses.push(`${q.id}: expected ${q.expect}, got ${got} (${result.confidence}) :: ${q.text.slice(0, 80).replace(/\n/g, " ")}`);
  }
  return { onTopic, offTopic, onTopicRate: onTopicRight / onTopic, offTopicRate: offTopicRight / offTopic, misses };
}

describe("answer quality on the question fixtures", () => {
  it("sends >= 90% of on-topic questions to the right section and rejects >= 90% of off-topic ones", () => {
    const questions = load("questions.jsonl");
    const result = score(questions);
    expect(questions.length).toBeGreaterThanOrEqual(70);
    expect(result.offTopic).toBeGreaterThanOrEqual(20);
    const report = `misses:\n${result.misses.join("\n")}`;
    expect(result.onTopicRate, report).toBeGreaterThanOrEqual(0.9);
    expect(result.offTopicRate, report).toBeGreaterThanOrEqual(0.9);
  });

  // 100 questions written from the content alone, before reading the engine's tables; the
  // baseline was 87% / 80%, general rule changes brought both to 100%.
  it("keeps >= 92% on the second evaluation set (tracebacks, slang, typos, near misses)", () => {
    const questions = load("questions-eval2.jsonl");
    const result = score(questions);
    expect(questions.length).toBeGreaterThanOrEqual(100);
    const report = `misses:\n${result.misses.join("\n")}`;
    expect(result.onTopicRate, report).toBeGreaterThanOrEqual(0.92);
    expect(result.offTopicRate, report).toBeGreaterThanOrEqual(0.92);
  });

  // Three later probe batches (p, r, s ids) written to look for weak spots; the last one
  // scored 91% / 100% before its two misses were fixed by general rules. The m ids are
  // third-party packages missing from requirements.txt (not a cache problem).
  it("keeps >= 92% on the probe questions", () => {
    const result = score(load("questions-probes.jsonl"));
    const report = `misses:\n${result.misses.join("\n")}`;
    expect(result.onTopicRate, report).toBeGreaterThanOrEqual(0.92);
    expect(result.offTopicRate, report).toBeGreaterThanOrEqual(0.92);
  });

  // Written before any tuning and never tuned on: a check that the rules generalise.
  it("keeps >= 80% on the held-out questions", () => {
    const result = score(load("questions-holdout.jsonl"));
    const report = `misses:\n${result.misses.join("\n")}`;
    console.log(`held-out: on-topic ${(result.onTopicRate * 100).toFixed(0)}%, off-topic rejected ${(result.offTopicRate * 100).toFixed(0)}%`);
    expect(result.onTopicRate, report).toBeGreaterThanOrEqual(0.8);
    expect(result.offTopicRate, report).toBeGreaterThanOrEqual(0.8);
  });
});
