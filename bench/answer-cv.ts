/**
 * Development yardstick for the answer engine, never run on the held-out sets:
 * - k-fold cross-validation over the content's own examples. Examples are grouped into
 *   paraphrase families first (same label, many shared character trigrams: "clear cahce railway
 *   how" and "how to clear cache on railway"), and a whole family goes to one fold, so a held-out
 *   example never has its near-duplicate in training. Each fold builds the full engine without
 *   its examples and asks it every one of them, as a user would.
 * - the tunable question sets (questions, probes, eval2, dev v3) and, as aggregates only, the
 *   fixed test part (holdout) and the example team runbook's questions.
 *
 * `npx tsx bench/answer-cv.ts [--folds 4] [--order N] [--oracle] [--no-cv] [--no-sets] [--team] [--dump FILE] [--misses cv|cv-team|SET...]`
 * --team: also cross-validate the example team runbook's examples (built-in + team model).
 * --oracle: also the best accept rule for the cross-validation's own answers (threshold and margin on a grid,
 *   a near miss answered costing three unanswered questions, as the fitted rule counts them), and what it would
 *   score: how well the router separates questions from near misses, without the noise of the rule fitted on
 *   the examples' out-of-fold answers. Worth reading beside the fitted figures when a change moves the rule.
 * --order N (N > 0): the examples (built-in and team) in another fixed order (a hash of N and the text), which
 *   moves the training order and which examples the accept rule's folds hold: a change worth keeping
 *   should hold over two or three orders, not only the content's own.
 */
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createAnswerEngine, loadKnowledgeBase } from "../src/core/kb/index.js";
import { OFF_TOPIC_COST } from "../src/core/kb/router.js";
import type { KnowledgeBase } from "../src/core/kb/index.js";
import { TEAM_RUNBOOK_DIR, formatScore, loadQuestions, scoreQuestions } from "./answer-quality.js";

/** Sets whose misses may be read and tuned on. */
const TUNABLE_SETS = [
  "questions.jsonl",
  "questions-probes.jsonl",
  "questions-eval2.jsonl",
  "questions-dev-v3.jsonl",
  "questions-dev-two.jsonl",
  "questions-dev-two-b.jsonl",
  "questions-dev-logs.jsonl",
  "questions-dev-near.jsonl",
  "questions-dev-forms.jsonl",
  "questions-dev-offtopic.jsonl",
];
/** Sets reported as aggregates only (a fixed test part, and questions written before the team runbook was tuned). */
const AGGREGATE_ONLY = ["questions-holdout.jsonl"];
/** Examples sharing at least this share of character trigrams (Jaccard) are one paraphrase family. */
const FAMILY_SIMILARITY = 0.45;
const NEAR_MISS = "(near miss)";

interface Example {
  label: string;
  text: string;
  family: number;
}

interface CvScore {
  onTopic: number;
  right: number;
  rankOne: number;
  offTopic: number;
  refused: number;
  misses: string[];
  /** Each held-out example with the engine's view of it, for studying accept rules offline (--dump FILE). */
  rows: { label: string; fold: number; matched: boolean; got: string; explain: unknown; text: string }[];
}

function trigrams(text: string): Set<string> {
  const t = ` ${text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()} `;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= t.length; i++) out.add(t.slice(i, i + 3));
  return out;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / Math.max(1, a.size + b.size - shared);
}

/** Every example with its label and paraphrase family (union-find over similar pairs of one label). */
function examplesOf(kb: KnowledgeBase, only?: (label: string, text: string) => boolean): Example[] {
  const items: { label: string; text: string }[] = [
    ...kb.sections.flatMap((s) => s.examples.map((text) => ({ label: s.id, text }))),
    ...[...kb.offTopic, ...kb.teamMayAnswer].map((text) => ({ label: NEAR_MISS, text })),
  ].filter((e) => !only || only(e.label, e.text));
  const parent = items.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const grams = items.map((e) => trigrams(e.text.slice(0, 400)));
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      if (items[i]!.label === items[j]!.label && jaccard(grams[i]!, grams[j]!) >= FAMILY_SIMILARITY) parent[find(i)] = find(j);
    }
  }
  return items.map((e, i) => ({ ...e, family: find(i) }));
}

/** Families to folds: by a hash of the family's first text, so the split is fixed and mixes labels. */
function foldOf(examples: Example[], folds: number): Map<number, number> {
  const families = [...new Set(examples.map((e) => e.family))];
  const key = (f: number) =>
    createHash("sha1")
      .update(examples.find((e) => e.family === f)!.text)
      .digest("hex");
  const sorted = families.map((f) => ({ f, k: key(f) })).sort((a, b) => a.k.localeCompare(b.k));
  // Per label, round-robin in hash order, so every label is spread across the folds.
  const byLabel = new Map<string, number>();
  const out = new Map<number, number>();
  for (const { f } of sorted) {
    const label = examples.find((e) => e.family === f)!.label;
    const n = byLabel.get(label) ?? 0;
    byLabel.set(label, n + 1);
    out.set(f, n % folds);
  }
  return out;
}

function crossValidate(kb: KnowledgeBase, folds: number, only?: (label: string, text: string) => boolean): CvScore {
  const examples = examplesOf(kb, only);
  const fold = foldOf(examples, folds);
  const score: CvScore = { onTopic: 0, right: 0, rankOne: 0, offTopic: 0, refused: 0, misses: [], rows: [] };
  for (let k = 0; k < folds; k++) {
    const test = examples.filter((e) => fold.get(e.family) === k);
    const held = new Set(test.map((e) => `${e.label}\0${e.text}`));
    const train: KnowledgeBase = {
      ...kb,
      sections: kb.sections.map((s) => ({ ...s, examples: s.examples.filter((t) => !held.has(`${s.id}\0${t}`)) })),
      offTopic: kb.offTopic.filter((t) => !held.has(`${NEAR_MISS}\0${t}`)),
      teamMayAnswer: kb.teamMayAnswer.filter((t) => !held.has(`${NEAR_MISS}\0${t}`)),
    };
    const engine = createAnswerEngine(train);
    for (const e of test) {
      const result = engine.answer(e.text);
      const got = result.matched ? (result.section?.id ?? "?") : "unmatched";
      score.rows.push({ label: e.label, fold: k, matched: result.matched, got, explain: result.explain, text: e.text.slice(0, 200) });
      let right: boolean;
      if (e.label === NEAR_MISS) {
        score.offTopic++;
        right = !result.matched;
        if (right) score.refused++;
      } else {
        score.onTopic++;
        right = result.matched && result.section?.id === e.label;
        if (right) score.right++;
        if (result.explain.candidates[0]?.id === e.label) score.rankOne++;
      }
      if (!right) score.misses.push(`[${e.label}] got ${got} (top ${result.explain.candidates[0]?.id}) :: ${e.text.slice(0, 110).replace(/\n/g, " ")}`);
    }
  }
  return score;
}

/** The rule (threshold, margin) that does best on the cross-validation's own answers, and its score. */
function oracleRule(rows: CvScore["rows"]): string {
  const cases = rows.map((r) => {
    const explain = r.explain as { candidates: { id: string; score: number }[]; offTopicScore: number; linearMargin: number; linearWeight: number };
    const top = Math.max(0, ...explain.candidates.map((c) => c.score));
    return {
      nearMiss: r.label === NEAR_MISS,
      // The section shown when answered (a team section may be preferred over the best), else the best one.
      right: r.label !== NEAR_MISS && (r.matched ? r.got : explain.candidates[0]?.id) === r.label,
      top,
      margin: top - explain.offTopicScore + explain.linearWeight * explain.linearMargin,
    };
  });
  let best = { cost: Infinity, threshold: 0, margin: 0, right: 0, accepted: 0 };
  for (let t = 10; t <= 60; t++) {
    for (let m = -40; m <= 40; m++) {
      let right = 0;
      let accepted = 0;
      for (const c of cases) {
        if (c.top < t / 100 || c.margin < m / 100) continue;
        if (c.right) right++;
        if (c.nearMiss) accepted++;
      }
      const cost = OFF_TOPIC_COST * accepted - right; // near misses weigh as in the router's rule fit
      if (cost < best.cost) best = { cost, threshold: t / 100, margin: m / 100, right, accepted };
    }
  }
  const nearMisses = cases.filter((c) => c.nearMiss).length;
  return `best rule for these answers (threshold ${best.threshold}, margin ${best.margin}): on-topic right ${best.right}/${cases.length - nearMisses}, near misses refused ${nearMisses - best.accepted}/${nearMisses}`;
}

function formatCv(name: string, s: CvScore): string {
  const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(1)}%`;
  return `${name}: on-topic right ${s.right}/${s.onTopic} (${pct(s.right, s.onTopic)}), rank-1 ${pct(s.rankOne, s.onTopic)}, near misses refused ${s.refused}/${s.offTopic} (${pct(s.refused, s.offTopic)})`;
}

/** The same knowledge base with every label's examples sorted by a hash of the seed and the text (seed 0: as written). */
export function reorder(kb: KnowledgeBase, seed: number): KnowledgeBase {
  if (!seed) return kb;
  const key = (text: string) => createHash("sha1").update(`${seed}\0${text}`).digest("hex");
  const sorted = (texts: string[]) =>
    texts
      .map((t) => ({ t, k: key(t) }))
      .sort((a, b) => a.k.localeCompare(b.k))
      .map((x) => x.t);
  return {
    ...kb,
    sections: kb.sections.map((s) => ({ ...s, examples: sorted(s.examples) })),
    offTopic: sorted(kb.offTopic),
    teamMayAnswer: sorted(kb.teamMayAnswer),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const at = args.indexOf("--misses");
  const misses = new Set(at >= 0 ? args.slice(at + 1) : []);
  const foldsAt = args.indexOf("--folds");
  const folds = foldsAt >= 0 ? Number(args[foldsAt + 1]) : 4;
  const orderAt = args.indexOf("--order");
  const seed = orderAt >= 0 ? Number(args[orderAt + 1]) : 0;
  const builtin = reorder(loadKnowledgeBase(), seed);
  if (!args.includes("--no-cv")) {
    const cv = crossValidate(builtin, folds);
    console.log(formatCv(`cv ${folds}-fold, built-in`, cv));
    if (args.includes("--oracle")) console.log(`  ${oracleRule(cv.rows)}`);
    if (misses.has("cv")) for (const m of cv.misses) console.log(`  ${m}`);
    const dumpAt = args.indexOf("--dump");
    if (dumpAt >= 0) writeFileSync(args[dumpAt + 1]!, cv.rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
    if (args.includes("--team")) {
      const team = reorder(loadKnowledgeBase({ extraDir: TEAM_RUNBOOK_DIR }), seed);
      const teamIds = new Set(team.sections.filter((s) => s.origin === "team").map((s) => s.id));
      const builtinNearMisses = new Set([...builtin.offTopic, ...builtin.teamMayAnswer]);
      // The team's own examples, and its near misses (the off-topic entries the built-in knowledge base does not have).
      const teamCv = crossValidate(team, folds, (label, text) => teamIds.has(label) || (label === NEAR_MISS && !builtinNearMisses.has(text)));
      console.log(formatCv(`cv ${folds}-fold, team runbook sections`, teamCv));
      if (args.includes("--oracle")) console.log(`  ${oracleRule(teamCv.rows)}`);
      if (misses.has("cv-team")) for (const m of teamCv.misses) console.log(`  ${m}`);
    }
  }
  if (!args.includes("--no-sets")) {
    const engine = createAnswerEngine(builtin);
    for (const name of TUNABLE_SETS) {
      const s = scoreQuestions(engine, name, loadQuestions(name));
      console.log(formatScore(s));
      if (misses.has(name)) for (const m of s.misses) console.log(`  ${m}`);
    }
    for (const name of AGGREGATE_ONLY) console.log(formatScore(scoreQuestions(engine, name, loadQuestions(name))));
    const team = createAnswerEngine(reorder(loadKnowledgeBase({ extraDir: TEAM_RUNBOOK_DIR }), seed));
    console.log(formatScore(scoreQuestions(team, "questions-team-runbook.jsonl", loadQuestions("questions-team-runbook.jsonl"))));
  }
}
