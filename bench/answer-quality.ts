/**
 * Answer quality on the question fixtures: share of on-topic questions answered with the right
 * section (and the second one when a message asks two things) and share of off-topic ones
 * refused. `tsx bench/answer-quality.ts [--misses FILE...]` prints one line per set; misses are
 * listed only for the sets named after --misses (never for the held-out sets by default).
 */
import { readFileSync, readdirSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { createAnswerEngine, loadKnowledgeBase } from "../src/core/kb/index.js";
import { plainHeading } from "../src/core/kb/loader.js";
import type { AnswerEngine, KnowledgeBase } from "../src/core/kb/index.js";

export interface Question {
  id: string;
  text: string;
  expect: string | string[] | null;
  also?: string;
  kind?: string;
}

export interface QualityScore {
  name: string;
  onTopic: number;
  onTopicRight: number;
  offTopic: number;
  offTopicRefused: number;
  /** On-topic questions refused, and of them those offered a right section (AnswerResult.offered). */
  onTopicRefused: number;
  onTopicOfferedRight: number;
  /** Near misses refused with a section offered all the same. */
  offTopicOffered: number;
  /** Per `kind` of question (two-questions, traceback, near-miss...): how many, and how many were answered right (or refused). */
  byKind: Map<string, { asked: number; right: number }>;
  misses: string[];
}

const FIXTURES = new URL("../test/fixtures/", import.meta.url);
export const TEAM_RUNBOOK_DIR = fileURLToPath(new URL("../examples/team-runbook/", import.meta.url));

export function loadQuestions(name: string): Question[] {
  return readFileSync(new URL(name, FIXTURES), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Question);
}

/** Ids of every section the answer shows (the first is `section`). */
function shownSections(engine: AnswerEngine, text: string): { matched: boolean; ids: string[]; confidence: number; offered?: string } {
  const result = engine.answer(text);
  const ids = result.sections?.map((s) => s.id) ?? (result.section ? [result.section.id] : []);
  return { matched: result.matched, ids, confidence: result.confidence, ...(result.offered ? { offered: result.offered.id } : {}) };
}

export function scoreQuestions(engine: AnswerEngine, name: string, questions: Question[]): QualityScore {
  const score: QualityScore = {
    name,
    onTopic: 0,
    onTopicRight: 0,
    offTopic: 0,
    offTopicRefused: 0,
    onTopicRefused: 0,
    onTopicOfferedRight: 0,
    offTopicOffered: 0,
    byKind: new Map(),
    misses: [],
  };
  for (const q of questions) {
    const got = shownSections(engine, q.text);
    let right: boolean;
    if (q.expect === null) {
      score.offTopic++;
      right = !got.matched;
      if (right) score.offTopicRefused++;
      if (right && got.offered) score.offTopicOffered++;
    } else {
      score.onTopic++;
      const acceptable = Array.isArray(q.expect) ? q.expect : [q.expect];
      right = got.matched && acceptable.includes(got.ids[0] ?? "") && (!q.also || got.ids.includes(q.also));
      if (right) score.onTopicRight++;
      if (!got.matched) score.onTopicRefused++;
      if (!got.matched && got.offered && acceptable.includes(got.offered)) score.onTopicOfferedRight++;
    }
    const kind = score.byKind.get(q.kind ?? "-") ?? { asked: 0, right: 0 };
    score.byKind.set(q.kind ?? "-", { asked: kind.asked + 1, right: kind.right + (right ? 1 : 0) });
    if (!right) {
      const expected = JSON.stringify(q.expect) + (q.also ? `+${q.also}` : "");
      score.misses.push(
        `${q.id} [${q.kind ?? "-"}]: expected ${expected}, got ${got.matched ? got.ids.join("+") : "unmatched"} (${got.confidence}) :: ${q.text.slice(0, 100).replace(/\n/g, " ")}`,
      );
    }
  }
  return score;
}

export function formatScore(s: QualityScore): string {
  const pct = (a: number, b: number) => (b === 0 ? "-" : `${((100 * a) / b).toFixed(1)}%`);
  return `${s.name}: on-topic right ${s.onTopicRight}/${s.onTopic} (${pct(s.onTopicRight, s.onTopic)}), off-topic refused ${s.offTopicRefused}/${s.offTopic} (${pct(s.offTopicRefused, s.offTopic)})`;
}

/** Written from public reports by helpers who never read the engine or the content: scored, never tuned on. */
export const HELD_OUT_SETS = [
  "questions-heldout-v2.jsonl",
  "questions-heldout-v4.jsonl",
  "questions-heldout-v5.jsonl",
  "questions-heldout-v6.jsonl",
  "questions-heldout-v7.jsonl",
  "questions-heldout-v8.jsonl",
  "questions-heldout-v9.jsonl",
  "questions-heldout-v10.jsonl",
  "questions-heldout-v11.jsonl",
  "questions-heldout-v12.jsonl",
  "questions-heldout-v13.jsonl",
  "questions-heldout-v14.jsonl",
  "questions-heldout-v15.jsonl",
  "questions-heldout-v16.jsonl",
  "questions-heldout-v17.jsonl",
  "questions-heldout-v18.jsonl",
  "questions-heldout-v19.jsonl",
  "questions-heldout-v20.jsonl",
  "questions-heldout-v21.jsonl",
  "questions-heldout-v22.jsonl",
  "questions-heldout-v23.jsonl",
  "questions-heldout-v24.jsonl",
  "questions-heldout-v25.jsonl",
] as const;

export const QUESTION_SETS = ["questions.jsonl", "questions-probes.jsonl", "questions-eval2.jsonl", "questions-holdout.jsonl", ...HELD_OUT_SETS] as const;

/**
 * Teams' own runbooks and questions, each written by a helper that never saw the engine or the
 * content: a runbook on a topic of its own (headings and text, some with a few `examples:` per
 * heading), 30 questions its team would ask, 10 near misses on its topic and 10 questions for
 * the built-in sections. Those marked "never read" were scored only as aggregates.
 */
export const TEAM_RUNBOOK_SETS = [
  { name: "static-media", written: "headings and text only" },
  { name: "databases", written: "2-3 examples a heading" },
  { name: "logging-alerts", written: "2 examples on 2 of 7 headings" },
  { name: "domains-security", written: "4 examples a heading" },
  { name: "scheduled-jobs", written: "headings and text only; never read" },
  { name: "payments-webhooks", written: "2 examples a heading; never read" },
  { name: "releases", written: "3 examples a heading; never read" },
  { name: "realtime", written: "headings and text only; never read" },
  { name: "dependencies", written: "2 examples a heading; 20 built-in questions" },
  { name: "settings-variables", written: "4 examples on 1 of 8 headings; 20 built-in questions" },
  { name: "email-notifications", written: "headings and text only; never read" },
  { name: "performance-scaling", written: "3 examples a heading; never read" },
  { name: "auth-sessions", written: "headings and text only; never read" },
  { name: "ci-previews", written: "2 examples a heading; never read" },
] as const;

export interface TeamRunbookScore {
  name: string;
  team: number;
  teamRight: number;
  /** Team questions refused, with their heading offered ("Show: <topic>"). */
  teamOffered: number;
  builtin: number;
  builtinRight: number;
  nearMisses: number;
  nearMissesRefused: number;
}

/** A team runbook set's questions, as its writer wrote them: a team section is named by its heading ("team:<heading>"). */
function loadTeamQuestions(name: string): Question[] {
  return readFileSync(new URL(`team-runbooks/${name}/questions.jsonl`, FIXTURES), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Question);
}

/** The built-in knowledge base with team runbook set `name`'s runbook (test/fixtures/team-runbooks/<name>/kb). */
export function teamRunbookKnowledge(name: string): KnowledgeBase {
  return loadKnowledgeBase({ extraDir: fileURLToPath(new URL(`team-runbooks/${name}/kb/`, FIXTURES)) });
}

export function scoreTeamRunbook(name: string): TeamRunbookScore {
  const kb = teamRunbookKnowledge(name);
  return scoreTeamQuestions(kb, createAnswerEngine(kb), name);
}

/** Set `name`'s questions answered by `engine`, built from `kb` (which holds that set's runbook, maybe beside others). */
export function scoreTeamQuestions(kb: KnowledgeBase, engine: AnswerEngine, name: string): TeamRunbookScore {
  // The heading in this set's own runbook file: several runbooks loaded together may each have an "Our current setup".
  const files = new Set(readdirSync(new URL(`team-runbooks/${name}/kb/`, FIXTURES)));
  const idOf = (expected: string): string => {
    if (!expected.startsWith("team:")) return expected;
    const title = plainHeading(expected.slice("team:".length));
    const section = kb.sections.find((s) => s.origin === "team" && s.title === title && files.has(basename(s.file)));
    if (!section) throw new Error(`${name}: no heading "${expected}"`);
    return section.id;
  };
  const score: TeamRunbookScore = { name, team: 0, teamRight: 0, teamOffered: 0, builtin: 0, builtinRight: 0, nearMisses: 0, nearMissesRefused: 0 };
  for (const q of loadTeamQuestions(name)) {
    const result = engine.answer(q.text);
    if (q.expect === null) {
      score.nearMisses++;
      if (!result.matched) score.nearMissesRefused++;
      continue;
    }
    const expected = Array.isArray(q.expect) ? q.expect : [q.expect];
    const ids = expected.map(idOf);
    const right = result.matched && ids.includes(result.section?.id ?? "");
    if (expected[0]!.startsWith("team:")) {
      score.team++;
      if (right) score.teamRight++;
      if (!result.matched && result.offered && ids.includes(result.offered.id)) score.teamOffered++;
    } else {
      score.builtin++;
      if (right) score.builtinRight++;
    }
  }
  return score;
}

export function formatTeamScore(s: TeamRunbookScore): string {
  return `team-runbooks/${s.name}: team questions right ${s.teamRight}/${s.team} (${s.teamOffered} more refused with their heading offered), built-in questions right ${s.builtinRight}/${s.builtin}, near misses refused ${s.nearMissesRefused}/${s.nearMisses}`;
}

export function benchAnswerQuality(): QualityScore[] {
  const builtin = createAnswerEngine(loadKnowledgeBase());
  const withTeam = createAnswerEngine(loadKnowledgeBase({ extraDir: TEAM_RUNBOOK_DIR }));
  return [
    ...QUESTION_SETS.map((name) => scoreQuestions(builtin, name, loadQuestions(name))),
    scoreQuestions(withTeam, "questions-team-runbook.jsonl", loadQuestions("questions-team-runbook.jsonl")),
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const at = process.argv.indexOf("--misses");
  const showMisses = new Set(at >= 0 ? process.argv.slice(at + 1) : []);
  for (const score of benchAnswerQuality()) {
    console.log(formatScore(score));
    if (showMisses.has(score.name)) for (const miss of score.misses) console.log(`  ${miss}`);
  }
  for (const { name } of TEAM_RUNBOOK_SETS) console.log(formatTeamScore(scoreTeamRunbook(name)));
}
