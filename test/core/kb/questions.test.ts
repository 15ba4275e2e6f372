import { describe, expect, it } from "vitest";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  HELD_OUT_SETS,
  TEAM_RUNBOOK_SETS,
  formatScore,
  formatTeamScore,
  loadQuestions,
  scoreQuestions,
  scoreTeamQuestions,
  scoreTeamRunbook,
} from "../../../bench/answer-quality.js";
import { reorder } from "../../../bench/answer-cv.js";
import { createAnswerEngine, loadKnowledgeBase } from "../../../src/core/kb/index.js";

const engine = createAnswerEngine(loadKnowledgeBase());
const teamEngine = createAnswerEngine(loadKnowledgeBase({ extraDir: new URL("../../../examples/team-runbook/", import.meta.url).pathname }));

/** Held-out sets report their score only: seeing their misses would invite tuning to them. */
const HELD_OUT = new Set<string>([...HELD_OUT_SETS, "questions-team-runbook.jsonl"]);

function check(name: string, minOnTopic: number, minOffTopic: number, answers = engine) {
  const score = scoreQuestions(answers, name, loadQuestions(name));
  const report = HELD_OUT.has(name) ? formatScore(score) : `${formatScore(score)}\nmisses:\n${score.misses.join("\n")}`;
  expect(score.onTopicRight / score.onTopic, report).toBeGreaterThanOrEqual(minOnTopic);
  if (score.offTopic > 0) expect(score.offTopicRefused / score.offTopic, report).toBeGreaterThanOrEqual(minOffTopic);
  return score;
}

// questions.jsonl and questions-probes.jsonl fed the content's examples; questions-eval2.jsonl
// and questions-holdout.jsonl never did (the fixed test part). The held-out v2 and team-runbook
// sets were written from public reports by people who never read the engine or the content,
// before the engine was rebuilt; they are never edited and never copied into examples.
describe("answer quality on the question fixtures", () => {
  it("answers the questions the examples were drawn from", () => {
    check("questions.jsonl", 0.95, 0.9);
    check("questions-probes.jsonl", 0.92, 0.9);
  });

  // Written by a helper that never read the engine or the content; tuned on (its misses are read), never copied into examples.
  it("answers both questions of two-question messages, in the order asked", () => {
    check("questions-dev-two.jsonl", 0.75, 0);
  });

  // Written later the same way (dev-two-b: every message asks two things, joined in eight ways, 12 of each section first and
  // second); tuned on, never copied into examples. First score 75/120 (73ab829); 82/120 once "also,", "btw", "oh and" and
  // chat's "n" before a second question made it a question of its own.
  it("answers both questions of two-question messages however they are joined", () => {
    check("questions-dev-two-b.jsonl", 0.65, 0);
  });

  // Written the same way, each with a pasted build or deploy log; tuned on, never copied into examples.
  it("answers questions that paste a build or deploy log", () => {
    check("questions-dev-logs.jsonl", 0.6, 0.85);
  });

  // Written by a helper that never read the engine or the content: the boundary between near misses (another cache, another
  // host, an error that is not a stale build) and questions that mention those in passing; tuned on, never copied into examples.
  it("refuses near misses that share the runbook's words, and answers what only mentions them", () => {
    check("questions-dev-near.jsonl", 0.8, 0.85);
  });

  // Written the same way, in the forms people write in (terse, buried, Discord/Slack markup, other languages around
  // English errors); tuned on, never copied into examples. First score 74/85 and 33/35 (54cc7cc).
  it("answers questions in the forms people write them in", () => {
    check("questions-dev-forms.jsonl", 0.8, 0.85);
  });

  // Written the same way: 60 errors a stale build does not cause, pasted as if it did ("stale build?"), 30 near misses and
  // 50 on-topic twins of the same shapes; tuned on, never copied into examples. First score 50/50 and 85/90 (d2d18c9).
  it("refuses errors that are not a stale build however the message asks, and answers their on-topic twins", () => {
    check("questions-dev-offtopic.jsonl", 0.9, 0.85);
  });

  it("answers the fixed test questions no example was drawn from", () => {
    check("questions-eval2.jsonl", 0.85, 0.85);
    check("questions-holdout.jsonl", 0.85, 0.9);
  });

  // v2 came first; v4 to v7 were each written later by a helper that never read the engine or the content, and
  // committed before they were scored: v5 (2026-12-06) scored 90/100 and 30/35 on the engine it was written against,
  // v6 85/100 and 36/40 (0f35449), v7 (hard near misses by request) 95/100 and 25/40 (8a8d633), v8 (non-native
  // English, passing mentions, statements by request) 88/100 and 33/40 (2b37e60), v9 (terse messages, buried questions,
  // Discord/Slack formatting, Flask/FastAPI, mixed languages by request) 91/100 and 39/40 (9e5bc48), v10 (lengths as
  // in chat: 40% short, 25% pastes and long stories by request) 95/100 and 37/40 (6620b43), v11 (the same mix, 51
  // searches) 93/100 and 40/40 (34a3d2e), v12 (the same mix, more voices, 55 searches) 91/100 and 39/40 (1e37a53), v13 (the same mix, 54
  // searches) 92/100 and 40/40 (01bd131), v14 (written beside v13 by a helper that found the rules on disk) 94/100 and
  // 37/40 (01bd131), v15 (the same mix, 48 searches) 95/100 and 36/40 (66c9714), v16 (the same mix, 45 searches) 97/100
  // and 37/40 (ceb4919), v17 (the same mix, 55 searches) 95/100 and 38/40 (387d564), v18 (the same mix, 56 searches) 95/100 and
  // 38/40 (73ab829), v19 (the same mix, 54 searches) 96/100 and 40/40 (2ba9539),
  // v20 (the same mix, 46 searches) 96/100 and 36/40 (a080e19), v21 (the same mix, 45 searches) 96/100 and 39/40 (9146796),
  // v22 (the same mix, fresh angles by request, 46 searches) 92/100 and 40/40 (c302ea9), v23 (the same mix, fresh angles
  // by request, 44 searches) 95/100 and 39/40 (ffc85b2), v24 (the same mix, fresh angles by request, 46 searches) 96/100
  // and 37/40 (efc8d3b), v25 (the same mix, fresh angles by request, 44 searches) 89/100 and 39/40 (4eb2e3a).
  // Floors: [on-topic, off-topic refused].
  it.each([
    // v2 on-topic 89 -> 86/102 when 120 hard near misses joined the off-topic examples (near misses 34 -> 36/37).
    ["questions-heldout-v2.jsonl", 0.8, 0.85],
    ["questions-heldout-v4.jsonl", 0.85, 0.75],
    ["questions-heldout-v5.jsonl", 0.85, 0.75],
    ["questions-heldout-v6.jsonl", 0.8, 0.8],
    ["questions-heldout-v7.jsonl", 0.9, 0.55],
    ["questions-heldout-v8.jsonl", 0.83, 0.75],
    ["questions-heldout-v9.jsonl", 0.86, 0.85],
    ["questions-heldout-v10.jsonl", 0.9, 0.85],
    ["questions-heldout-v11.jsonl", 0.88, 0.9],
    ["questions-heldout-v12.jsonl", 0.86, 0.9],
    ["questions-heldout-v13.jsonl", 0.87, 0.9],
    ["questions-heldout-v14.jsonl", 0.88, 0.85],
    ["questions-heldout-v15.jsonl", 0.88, 0.8],
    ["questions-heldout-v16.jsonl", 0.9, 0.85],
    ["questions-heldout-v17.jsonl", 0.9, 0.85],
    ["questions-heldout-v18.jsonl", 0.9, 0.85],
    ["questions-heldout-v19.jsonl", 0.9, 0.85],
    ["questions-heldout-v20.jsonl", 0.9, 0.85],
    ["questions-heldout-v21.jsonl", 0.9, 0.85],
    ["questions-heldout-v22.jsonl", 0.88, 0.85],
    ["questions-heldout-v23.jsonl", 0.9, 0.85],
    ["questions-heldout-v24.jsonl", 0.9, 0.85],
    ["questions-heldout-v25.jsonl", 0.85, 0.85],
  ] as const)("answers the held-out questions from public reports in %s", (name, minOnTopic, minOffTopic) => {
    const score = check(name, minOnTopic, minOffTopic);
    expect(score.onTopic + score.offTopic).toBeGreaterThanOrEqual(120);
  });

  // The model that answers is five trained in rotated row orders, averaged (router.ts, FINAL_MEMBERS): with one, the order
  // the examples are written in moved 35 to 60 of these answers (60 between orders 0 and 1); with three, 15 to 25, and
  // 36 to 51 of 2,924 once training batch L joined; with five, 22 to 34.
  it("answers the held-out questions alike whatever order the examples are written in", () => {
    const questions = HELD_OUT_SETS.flatMap((name) => loadQuestions(name));
    const answersOf = (answers: typeof engine) =>
      questions.map((q) => {
        const result = answers.answer(q.text);
        return result.matched ? result.sections.map((s) => s.id).join("+") : "-";
      });
    // Order 0 is the content as written: the engine every other test here uses.
    const [asWritten, reordered] = [answersOf(engine), answersOf(createAnswerEngine(reorder(loadKnowledgeBase(), 1)))];
    const moved = asWritten.filter((answer, i) => answer !== reordered[i]).length;
    expect(moved).toBeLessThanOrEqual(35);
  });

  // bench/RESULTS.md reports the held-out sets by kind of question, to show where the misses are.
  it("counts each kind of question apart, right and asked", () => {
    const score = scoreQuestions(engine, "inline", [
      { id: "k1", text: "how do I clear the build cache on railway?", expect: "fix-dashboard", kind: "plain" },
      { id: "k2", text: "how do I clear the build cache on railway and redeploy?", expect: "migrations", kind: "plain" },
      { id: "k3", text: "how much does the railway hobby plan cost per month?", expect: null, kind: "near-miss" },
      { id: "k4", text: "how do i clear teh build cahce on railway", expect: "fix-dashboard" },
    ]);
    expect(Object.fromEntries(score.byKind)).toEqual({
      plain: { asked: 2, right: 1 },
      "near-miss": { asked: 1, right: 1 },
      "-": { asked: 1, right: 1 },
    });
  });

  it("answers questions about the example team runbook from its sections", () => {
    check("questions-team-runbook.jsonl", 0.85, 0.6, teamEngine);
  });
  // Six teams' own runbooks (test/fixtures/team-runbooks/), each written with its questions by a helper that never saw the
  // engine. At 3d21b02, before built-in near misses stepped aside for a team's topic, the team questions scored 4, 13, 9,
  // 21, 4 and 16 of 30; with small labels raised to the smallest built-in section's prior, 23, 24, 22, 26, 17 and 23 (near misses refused
  // 8, 9, 7, 5, 10 and 5 of 10, most of them asked on the runbook's own topic). Floors: [team questions, built-in
  // questions, near misses refused], of 30, 10 and 10.
  // A team section is refused (and offered) when a near miss is at least as similar to the message: team questions
  // answered 23, 24, 22, 26, 17, 23 -> 18, 22, 17, 25, 14, 20, with 4, 1, 4, 1, 2, 3 of those lost offered their
  // heading, and near misses refused 8, 9, 7, 5, 10, 5 -> 10, 9, 10, 8, 10, 8. releases and realtime were written
  // before that change and never read: 24 and 23 -> 21 and 23 team questions, near misses 5 and 3 -> 8 and 6.
  it.each([
    ["static-media", 16, 9, 9],
    ["databases", 20, 9, 8],
    ["logging-alerts", 15, 9, 9],
    ["domains-security", 23, 8, 7],
    ["scheduled-jobs", 12, 9, 9],
    ["payments-webhooks", 18, 9, 7],
    // releases 19 -> 18 when a message's opening question leads (2026-12-08; fourteen teams' cost 181 -> 179).
    ["releases", 18, 7, 7],
    ["realtime", 21, 6, 5],
    // Two more, written after that change with 20 built-in questions each; their misses are read: 22 and 23, 18 and 18, 9 and 8.
    ["dependencies", 20, 16, 8],
    ["settings-variables", 21, 16, 7],
    // Two more, written before any change of 2026-12-07's second session and never read (ceb4919): 16 and 22, 8 and 6, 9 and 9.
    ["email-notifications", 14, 7, 8],
    ["performance-scaling", 20, 5, 8],
    // Two more, written 2026-12-07 before any change of that day's third session and never read (4aab34d): 21 and 21, 8 and 9, 7 and 6.
    ["auth-sessions", 19, 7, 6],
    ["ci-previews", 19, 8, 5],
  ] as const)("answers a team's own runbook on %s from the heading that covers it", (name, minTeam, minBuiltin, minNear) => {
    const score = scoreTeamRunbook(name);
    const report = formatTeamScore(score);
    expect([score.team, score.nearMisses]).toEqual([30, 10]);
    expect(score.builtin).toBeGreaterThanOrEqual(10);
    expect(score.teamRight, report).toBeGreaterThanOrEqual(minTeam);
    expect(score.builtinRight, report).toBeGreaterThanOrEqual(minBuiltin);
    expect(score.nearMissesRefused, report).toBeGreaterThanOrEqual(minNear);
  });
  // A team with many runbooks: raised to the median of every label, the first six runbooks' forty-four headings made a
  // team heading the median and raised nothing (66 of 180); raised to the smallest built-in section, 110. All eight
  // (sixty headings): 142 of 240, and 139 once a near miss at least as similar refuses a team section. All ten
  // (seventy-six headings): 172 of 300. All twelve (ninety-two headings): 200 of 360; 204 with the answering model three averaged (c2f5e83).
  // All fourteen (108 headings): 226 of 420 (2ba9539), 223 (65d4635), 231 with each sentence of a team heading's text a document.
  it("answers teams' runbooks loaded together, 108 headings in one folder", () => {
    const dir = mkdtempSync(join(tmpdir(), "railcache-teams-"));
    try {
      for (const { name } of TEAM_RUNBOOK_SETS)
        cpSync(fileURLToPath(new URL(`../../fixtures/team-runbooks/${name}/kb/`, import.meta.url)), dir, { recursive: true });
      const kb = loadKnowledgeBase({ extraDir: dir });
      expect(kb.sections.filter((s) => s.origin === "team")).toHaveLength(108);
      const together = createAnswerEngine(kb);
      const scores = TEAM_RUNBOOK_SETS.map(({ name }) => scoreTeamQuestions(kb, together, name));
      const asked = scores.reduce((n, s) => n + s.team, 0);
      const right = scores.reduce((n, s) => n + s.teamRight, 0);
      expect(asked).toBe(420);
      expect(right).toBeGreaterThanOrEqual(210);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Builds a model of 108 headings (~11 s alone, twice that beside the other test files on two cores): its speed is
    // bench/'s to judge, not this test's.
  }, 60_000);
});
