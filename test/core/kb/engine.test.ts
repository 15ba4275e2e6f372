import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_ANSWER_CHARS, createAnswerEngine, loadKnowledgeBase, openAnswerEngine } from "../../../src/core/kb/index.js";
import { decodeModel, encodeModel } from "../../../src/core/kb/model-file.js";
import { rankKey } from "../../../src/core/kb/router.js";
import { restoredKnowledge } from "../../../src/core/kb/stored-knowledge.js";
import type { AnswerResult } from "../../../src/core/kb/types.js";
import { loadQuestions, teamRunbookKnowledge } from "../../../bench/answer-quality.js";
import { renderEmbed } from "../../../src/adapters/discord/render.js";
import { renderBlocks } from "../../../src/adapters/slack/render.js";

const engine = createAnswerEngine(loadKnowledgeBase());
/** An answer as Slack's Block Kit and as a Discord embed, as one string. */
function rendered(result: AnswerResult): string {
  const reply = { title: result.section?.title ?? "Not something I know", body: result.answer, actions: result.actions };
  return JSON.stringify([renderBlocks(reply), renderEmbed(reply)]);
}

const PINGS = /<!(?:here|channel|everyone)|<@[!&]?[A-Za-z0-9]+>|@(?:everyone|here|channel)\b/i;

const traceback = (lines: number) =>
  [
    "Traceback (most recent call last):",
    ...Array.from(
      { length: lines },
      (_, i) => `  File "/opt/venv/lib/python3.12/site-packages/django/mod${i}.py", line ${i + 10}, in fn${i}\n    value = call_${i}(request)`,
    ),
    "django.core.exceptions.FieldError: Cannot resolve keyword 'loyalty_tier' into field. Choices are: email, id",
  ].join("\n");

describe("answer engine", () => {
  it("answers a pasted FieldError traceback with the symptoms section and names the error line", () => {
    const result = engine.answer(traceback(8));
    expect(result).toMatchObject({ matched: true, section: { id: "symptoms" } });
    expect(result.confidence).toBeGreaterThan(0.6);
    expect(result.answer).toContain("Cannot resolve keyword 'loyalty_tier'");
    expect(result.signals?.signatures[0]?.signature).toBe("field_error");
  });

  it("sends missing-column errors to the migrations section", () => {
    const result = engine.answer('django.db.utils.ProgrammingError: column "tz" of relation "accounts_profile" does not exist');
    expect(result.section?.id).toBe("migrations");
    expect(result.answer).toMatch(/migrate/);
  });

  it("matches slang and typos", () => {
    expect(engine.answer("nuke the cache pls").section?.id).toBe("fix-dashboard");
    expect(engine.answer("deploy shows old code").section?.id).toBe("symptoms");
    expect(engine.answer("how do i cleer the biuld cahce").section?.id).toBe("fix-dashboard");
  });

  it("matches a Railway build-cache question but not its Docker, npm or pricing look-alikes", () => {
    expect(engine.answer("railway build cache stale after adding a model").matched).toBe(true);
    for (const text of ["docker build cache", "npm cache clean", "how much does railway cost", "hi", "thanks"]) {
      const result = engine.answer(text);
      expect(result, text).toMatchObject({ matched: false, section: null, sections: [], confidence: 0 });
      // At most a section offered behind a button, never a clear or redeploy.
      expect(
        result.actions.filter((a) => a.kind !== "show_answer"),
        text,
      ).toEqual([]);
    }
  });

  it("leaves generic Django and Railway how-tos alone even when they share the runbook's words", () => {
    for (const text of [
      "how to connect to railway postgres from my local machine",
      "how do I set environment variables in railway",
      "how to rollback a migration in django",
    ]) {
      expect(engine.answer(text).matched, text).toBe(false);
    }
  });

  it("does not let a negated word pull its section", () => {
    expect(engine.answer("how to force a clean build without editing railway.toml").section?.id).toBe("fix-forced-clean-build");
  });

  it("sends a question about the team's own setup to the section that says how to add it", () => {
    expect(engine.answer("which database does our prod service use right now?").section?.id).toBe("team-setup");
  });

  it("answers a symptom and the question asked about it within the chat budget, the steps asked for first", () => {
    const result = engine.answer("my deploy shows a FieldError for a field I just added. how do I clear the cache?");
    expect(result.sections.map((s) => s.id)).toEqual(["fix-dashboard", "symptoms"]);
    expect(result.answer).toContain(`*${engine.section("symptoms")?.title ?? "?"}*`);
    expect(result.answer.length).toBeLessThanOrEqual(MAX_ANSWER_CHARS);
  });

  it("answers the one question of a long message as it answers that question alone, however long the story around it", () => {
    const stories = [
      "Quick context first: we are four people running a booking site for climbing gyms, Django 5 with Postgres, deployed on Railway since spring. Last sprint we reorganised the code into a few new apps and the release went out on Thursday evening. Product wants a post-mortem style summary for the Monday meeting, so I am collecting notes from everyone who touched it.",
      "So here is what happened this week. Monday we planned the billing rework, Tuesday we paired on the new invoice exports, Wednesday was mostly meetings with the client about their roadmap and a long call with support about refunds. Thursday we merged everything and deployed on Railway in the evening, and Friday morning the dashboard looked fine at first glance.",
    ];
    const questions = [
      "Which variable forces a clean build?",
      "Do we need to change requirements.txt to bust it?",
      "How do I rebuild it once without the build cache?",
      "Does railpack run migrate for us by default?",
      "Is railway.toml still read after the cutoff?",
    ];
    for (const question of questions) {
      const alone = engine.answer(question).section?.id;
      expect(alone, question).toBeDefined();
      for (const story of stories) expect(engine.answer(`${story} ${question} Thanks!`).section?.id, question).toBe(alone);
    }
  });

  /** Each message is heard as two questions, the first opening as the message does, each with its section. */
  function expectTwoQuestions(texts: string[]): void {
    for (const text of texts) {
      const { explain, sections } = engine.answer(text);
      expect(
        explain.questions?.map((q) => q.text.split(" ")[0]),
        text,
      ).toEqual([text.split(" ")[0], expect.any(String)]);
      expect(sections, text).toHaveLength(2);
    }
  }

  it("hears a question in chat spelling (whats, hows, where's) as a question of its own", () => {
    expectTwoQuestions([
      "whats the env var that forces a clean build on railway, and do i have to delete it afterwards?",
      "hows the cache trigger after a model rename, and what's the fix?",
    ]);
  });

  it('hears a question in chat shorthand ("clear build cache how", "two things: should we…") as a question of its own', () => {
    expectTwoQuestions([
      "clear build cache how. also is 'Cannot resolve keyword' a cache thing",
      "force a clean build how. and should we keep caching off after",
      "two things: should we just turn caching off to be safe, and why does the cache go stale after a model rename?",
    ]);
  });

  it('hears a second question joined by "also,", "btw", "oh and" or chat\'s "n" as a question of its own', () => {
    expectTwoQuestions([
      "how do I run migrations on every railway deploy? also, what's the variable that forces a clean build?",
      "is it ok to leave NO_CACHE on for good? btw is build caching even on for our web service",
      "where's the clear build cache button on railway?? n why does the cache go stale after an app rename",
      "does railpack run migrate for django by default? oh and how do i clear the build cache",
    ]);
  });

  it('hears a second question after a comma and an aside ("…, and while I\'m there, how do I…") as a question of its own', () => {
    expectTwoQuestions([
      "What must we change about railway.toml before the cutoff in December, and while I'm at it, how do I clear the build cache for web?",
      "is it risky to keep the build cache on for good after last week's outage, what do the errors look like when it goes stale?",
    ]);
    // A clause before the comma that asks nothing is the question's context, not a question of its own.
    expect(engine.answer("If I set NO_CACHE=1 for one deploy, what should I do afterwards?").explain.questions).toBeUndefined();
  });

  // A platform few examples name learns from all of them through one shared feature (features.ts, OTHER_PLATFORMS).
  it("refuses a build-cache question about another platform, and answers it when the message is about Railway", () => {
    const otherPlatforms = [
      "clear build cache on pythonanywhere",
      "how to purge the build cache in gitlab",
      "how do i wipe the build cache on heroku?",
      "how do I clear the build cache on Render?",
    ];
    for (const text of otherPlatforms) {
      expect(engine.answer(text).matched, text).toBe(false);
    }
    expect(engine.answer("we moved from heroku to railway, how do I clear the build cache?").section?.id).toBe("fix-dashboard");
    // "render" the verb is no platform.
    expect(engine.answer("prod templates render the old navbar after deploy, works locally, same commit").section?.id).toBe("symptoms");
  });

  it("does not take a bullet's first words, cut off at 'also', for a question of their own", () => {
    const text =
      "a few things:\n• how do I apply migrations on prod right now? (`no such table: shop_voucher`)\n• do I also need to clear the build cache, or is it unrelated?\n• and how do I make migrate run on its own next time?";
    const { explain, sections } = engine.answer(text);
    expect(explain.questions?.map((q) => q.text)).toEqual([
      "• how do I apply migrations on prod right now?",
      "need to clear the build cache, or is it unrelated?",
    ]);
    expect(sections.map((s) => s.id)).toEqual(["migrations", "fix-dashboard"]);
  });

  it("does not take the words that lead in to a paste (ending with a colon) for a question", () => {
    for (const lead of ["what the deploy log says after I pushed the new model:", "when I open the admin on prod I get this:"]) {
      const text = `${lead}\n\`\`\`\ndjango.core.exceptions.FieldError: Invalid field name(s) given in select_related: 'vendor'\n\`\`\`\nhow do I clear the build cache?`;
      const { explain, sections } = engine.answer(text);
      expect(explain.questions, text).toBeUndefined();
      expect(sections.map((s) => s.id)).toContain("fix-dashboard");
    }
  });

  it("follows a diagnosis with the section its content names next when the message asks something", () => {
    // (A FieldError paste alone now also gets fix-dashboard, as the runner-up that fits nearly as well: several of its examples are such pastes.)
    const error = "LookupError: App 'billing' doesn't have a 'Contact' model. prod only, works locally.";
    expect(engine.section("symptoms")?.next).toBe("fix-dashboard");
    expect(engine.answer(`${error} how do I get rid of it?`).sections.map((s) => s.id)).toEqual(["symptoms", "fix-dashboard"]);
    // A paste with no question gets the diagnosis alone (it names the fix in one line).
    expect(engine.answer(error).sections.map((s) => s.id)).toEqual(["symptoms"]);
  });

  it("answers a message that asks two things in the order it asks them", () => {
    const ids = (text: string) => engine.answer(text).sections.map((s) => s.id);
    const clear = "how do I clear the build cache on railway?";
    const why = "why does railway keep serving stale builds after we rename an app?";
    expect(ids(`${clear} and ${why}`)).toEqual(["fix-dashboard", "triggers"]);
    expect(ids(`${why} and ${clear}`)).toEqual(["triggers", "fix-dashboard"]);
    // Numbered questions with no question marks are two questions too.
    expect(ids("(1) is it bad to leave NO_CACHE=1 on for good (2) how do I run migrations on every deploy")).toEqual(["prevention", "migrations"]);
  });

  it("weighs a full question of a long message that asks two things above the story and paste around it", () => {
    // Both questions are full sentences: counted twice beside the Procfile paste, the first one
    // followed the paste (railpack-django + migrations); counted four times, it is answered for itself.
    const message = [
      "We moved our Django shop from Heroku to Railway a few weeks ago and it mostly works, two things though:",
      "1) Prod is clearly running code from before Friday's merge (the new /status/ page 404s and main has it). What is the proper way to clear the build cache and get a truly fresh build?",
      "2) Our Procfile still has the Heroku lines:",
      "```\nrelease: python manage.py migrate\nweb: gunicorn shop.wsgi\n```",
      "Will Railway ever run that release line?",
    ].join("\n");
    const result = engine.answer(message);
    expect(result.sections.map((s) => s.id)).toEqual(["fix-dashboard", "railpack-django"]);
    expect(result.explain.questions?.map((q) => q.section)).toEqual(["fix-dashboard", "railpack-django"]);
  });

  it("shows first the section of the question a message opens with, when the message as a whole fits another one better", () => {
    // The second ask (no question mark, after an aside) weighs most in the whole message: the
    // requirements trick used to lead, and the cutoff question the message opens with came second.
    const result = engine.answer(
      "Will Railway stop reading our railway.toml once Config as Code is cut off? It holds our pre-deploy command. Separately, I'm only a member without admin rights: can editing requirements.txt bust the build cache",
    );
    expect(result.sections.map((s) => s.id)).toEqual(["config-as-code-deprecation", "fix-requirements-bust"]);
    expect(result.section?.id).toBe("config-as-code-deprecation");
    expect(result.explain.candidates[0]?.id).toBe("fix-requirements-bust");
    expect(result.explain.second).toEqual({ id: "fix-requirements-bust", why: "best" });
    // A message that opens with a statement keeps its best section first.
    const log = "LookupError: App 'billing' doesn't have a 'Contact' model. prod only, works locally.";
    expect(engine.answer(`${log} how do I get rid of it?`).sections[0]?.id).toBe("symptoms");
  });

  it("shows the paragraph a question asks about even when it sits behind see more", () => {
    const section = engine.section("migrations");
    const hidden = section?.more.split("\n\n").find((p) => /showmigrations/.test(p));
    expect(hidden).toBeDefined();
    expect(section?.answer).not.toContain("showmigrations");
    const result = engine.answer("prod says column does not exist but I think migrate ran. how do I check with showmigrations which migrations are applied?");
    expect(result.section?.id).toBe("migrations");
    expect(result.answer).toContain("showmigrations");
  });

  it("adds a caveat to an answer when the log also shows an error a stale cache does not cause", () => {
    const teamEngine = createAnswerEngine(loadKnowledgeBase({ extraDir: new URL("../../../examples/team-runbook/", import.meta.url).pathname }));
    const result = teamEngine.answer("our celery worker keeps dying: Worker exited prematurely: signal 9 (SIGKILL), exit code 137");
    expect(result.section?.id).toBe("team-celery-workers-worker-killed-with-exit-code-137-out-of-memory");
    expect(result.answer).toMatch(/Note: the log also shows the process running out of memory/);
  });

  it("learns its examples: the linear model finds each built-in example's own section most probable, with few exceptions", () => {
    // Trained too little (three passes at 0.67), 16 of 2,024 examples came out more probable under another
    // section, "wait, what does it look like when it happens?" under triggers among them.
    const kb = loadKnowledgeBase();
    const examples = kb.sections.flatMap((section) => section.examples.map((text) => ({ text, id: section.id })));
    const unlearned = examples.filter(({ text, id }) => {
      const candidates = engine.answer(text).explain.candidates;
      return [...candidates].sort((a, b) => b.probability - a.probability)[0]?.id !== id;
    });
    expect(examples.length).toBeGreaterThan(2000);
    expect(unlearned.length).toBeLessThanOrEqual(8);
  });

  it("explains its decision: ranked candidates, the accept rule and the signals", () => {
    const result = engine.answer("django.core.exceptions.FieldError: Cannot resolve keyword 'tier' into field");
    // Ranked by similarity plus a share of the linear model's probability (rounded figures: a small tolerance).
    const keys = result.explain.candidates.map((c) => rankKey(c));
    keys.slice(1).forEach((key, i) => expect(key).toBeLessThanOrEqual(keys[i]! + 0.01));
    expect(result.explain.candidates[0]?.probability).toBeGreaterThan(0.5);
    expect(result.explain.linearMargin).toBeGreaterThan(0);
    expect(result.explain.candidates[0]?.id).toBe("symptoms");
    expect(result.explain.signalTokens).toContain("§sig:field_error");
    expect(result.explain.threshold).toBeGreaterThan(0);
    expect(result.explain).toMatchObject(engine.rule());
  });

  it("names the examples most like the message, with their section or as a near miss", () => {
    const kb = loadKnowledgeBase();
    const section = kb.sections.find((s) => s.examples.length > 0)!;
    const [example] = section.examples;
    const asked = engine.answer(example!).explain.nearest;
    expect(asked[0]).toMatchObject({ id: section.id, text: example, example: true, nearMiss: false });
    expect(asked.length).toBe(3);
    asked.slice(1).forEach((n, i) => expect(n.similarity).toBeLessThanOrEqual(asked[i]!.similarity));
    const nearMiss = kb.offTopic.at(-1)!;
    expect(engine.answer(nearMiss).explain.nearest[0]).toMatchObject({ id: "near miss", text: nearMiss, example: true, nearMiss: true });
    // From a stored model too: the documents are the knowledge base's, in the order the model was built from.
    const files = new Map<string, Uint8Array>();
    const cache = { read: (key: string) => files.get(key), write: (key: string, model: Uint8Array) => void files.set(key, model) };
    createAnswerEngine(kb, { modelCache: cache });
    expect(createAnswerEngine(kb, { modelCache: cache }).answer(nearMiss).explain.nearest[0]).toMatchObject({ id: "near miss", text: nearMiss });
  });

  it("builds the same model and gives the same answer every time", () => {
    const again = createAnswerEngine(loadKnowledgeBase());
    expect(again.rule()).toEqual(engine.rule());
    for (const text of ["railway keeps serving old code", traceback(3), "how much is the pro plan"]) {
      expect(again.answer(text)).toEqual(engine.answer(text));
    }
  });

  it("fits nearly the same accept rule whatever order the examples come in", () => {
    // A team adding or moving one example must not swing what every other question gets.
    const kb = loadKnowledgeBase();
    const reordered = (order: <T>(items: T[]) => T[]) => ({
      ...kb,
      sections: kb.sections.map((s) => ({ ...s, examples: order(s.examples) })),
      offTopic: order(kb.offTopic),
      teamMayAnswer: order(kb.teamMayAnswer),
      teamNegatives: order(kb.teamNegatives),
    });
    const rules = [
      engine.rule(),
      createAnswerEngine(reordered((items) => [...items].reverse())).rule(),
      createAnswerEngine(reordered((items) => [...items.filter((_, i) => i % 2 === 1), ...items.filter((_, i) => i % 2 === 0)])).rule(),
    ];
    const spread = (values: number[]) => Math.max(...values) - Math.min(...values);
    expect(spread(rules.map((r) => r.threshold))).toBeLessThanOrEqual(0.02);
    // The middle of the nearly tied rules (before the average) was 0.19 apart here with batch k's examples.
    expect(spread(rules.map((r) => r.margin))).toBeLessThanOrEqual(0.06);
  });

  it("stores the built model and answers the same from the stored copy, rebuilding when it is damaged or the content changed", () => {
    const files = new Map<string, Uint8Array>();
    let writes = 0;
    const cache = { read: (key: string) => files.get(key), write: (key: string, model: Uint8Array) => (writes++, files.set(key, model)) };
    const kb = loadKnowledgeBase();
    const built = createAnswerEngine(kb, { modelCache: cache });
    expect(writes).toBe(1);
    const restored = createAnswerEngine(kb, { modelCache: cache });
    expect(writes).toBe(1);
    expect(restored.rule()).toEqual(built.rule());
    for (const text of ["railway keeps serving old code", traceback(3), "how much is the pro plan", "how do i cleer the biuld cahce"]) {
      expect(restored.answer(text)).toEqual(engine.answer(text));
    }
    const [key] = [...files.keys()];
    // The sections as they were, dashes and quotes and all (their example texts kept as bytes until read).
    expect(restoredKnowledge((decodeModel(files.get(key!)!) as { kb: unknown }).kb)).toEqual(kb);
    files.set(key!, Buffer.from("{ not a model"));
    expect(createAnswerEngine(kb, { modelCache: cache }).answer("deploy shows old code").section?.id).toBe("symptoms");
    expect(writes).toBe(2);
    const changed = { ...kb, offTopic: [...kb.offTopic, "what is the capital of france"] };
    createAnswerEngine(changed, { modelCache: cache });
    expect(files.size).toBe(2);
  });

  it("opens the knowledge base from the stored model without building it again while the files are unchanged", () => {
    const files = new Map<string, Uint8Array>();
    let writes = 0;
    const cache = { read: (key: string) => files.get(key), write: (key: string, model: Uint8Array) => (writes++, files.set(key, model)) };
    const first = openAnswerEngine({ modelCache: cache });
    const second = openAnswerEngine({ modelCache: cache });
    expect(writes).toBe(1);
    expect(second.kb).toEqual(first.kb);
    expect(second.engine.answer("railway keeps serving old code")).toEqual(engine.answer("railway keeps serving old code"));
    const [key] = [...files.keys()];
    files.set(key!, encodeModel({ format: "railcache-answer-model/2", kb: { sections: "nope" } }));
    expect(openAnswerEngine({ modelCache: cache }).engine.answer("deploy shows old code").section?.id).toBe("symptoms");
    expect(writes).toBe(2);
  });

  it("says what it can help with when nothing fits, without inventing steps", () => {
    const { answer } = engine.answer("how do I add a custom domain?");
    expect(answer).toMatch(/help with/);
    expect(answer).toContain(engine.section("fix-dashboard")?.title ?? "?");
    expect(answer.length).toBeLessThanOrEqual(MAX_ANSWER_CHARS);
  });

  it("cleans Slack formatting before matching", () => {
    const result = engine.answer("<@U012AB> <!here> ```FieldError: Cannot resolve keyword 'slug' into field``` :sob: <https://x.io|logs>");
    expect(result.section?.id).toBe("symptoms");
  });

  // The engine writes plain Markdown; mentions are made inert once, where an adapter renders a reply.
  it("never pings anyone once rendered for Slack or Discord, even when the pasted error line carries mentions", () => {
    const result = engine.answer("django.core.exceptions.FieldError: Cannot resolve keyword '@everyone <!channel> <@U123>' into field");
    expect(result.matched).toBe(true);
    expect(result.answer).toContain("<!channel>");
    expect(rendered(result)).not.toMatch(PINGS);
  });

  it("keeps every answer chat-sized", () => {
    for (const section of engine.sections()) {
      const result = engine.answer(`${section.title} ${section.keywords.join(" ")}`);
      expect(result.answer.length, section.id).toBeLessThanOrEqual(MAX_ANSWER_CHARS);
    }
    expect(engine.answer(traceback(200)).answer.length).toBeLessThanOrEqual(MAX_ANSWER_CHARS);
  });

  it("handles input beyond 20,000 characters and still sees the final exception line", () => {
    const huge = `our railway deploy broke:\n${"noise line without meaning\n".repeat(3_000)}${traceback(5)}`;
    expect(huge.length).toBeGreaterThan(20_000);
    const result = engine.answer(huge);
    expect(result.section?.id).toBe("symptoms");
    expect(engine.answer("x".repeat(100_000)).matched).toBe(false);
  });

  it("offers a clear action for the named service and a see-more action for the section", () => {
    const withService = engine.answer("how do I clear the build cache", { service: "web" });
    expect(withService.actions).toEqual([
      { kind: "clear", label: "Clear build cache for web", value: "web", style: "primary" },
      { kind: "see_more", label: "See more", value: "fix-dashboard" },
    ]);
    const without = engine.answer("how do I clear the build cache");
    expect(without.actions[0]).toEqual({ kind: "clear", label: "Clear build cache", style: "primary" });
  });

  it("offers a refused question its best section when only the margin fell short, and nothing to one refused by far", () => {
    const rule = engine.rule() as { threshold: number; margin: number; closeMargin: number };
    expect(rule.closeMargin).toBeLessThan(rule.margin);
    let offered = 0;
    let refused = 0;
    for (const name of ["questions.jsonl", "questions-probes.jsonl", "questions-eval2.jsonl", "questions-dev-v3.jsonl", "questions-dev-near.jsonl"]) {
      for (const { text } of loadQuestions(name)) {
        const result = engine.answer(text);
        if (result.matched) {
          expect(result.offered).toBeUndefined();
          continue;
        }
        refused++;
        const { candidates, threshold, offTopicScore, linearMargin, linearWeight, notCache } = result.explain;
        const top = candidates[0];
        // The explanation's figures are rounded to hundredths: only clear cases are judged.
        const margin = top ? top.score - offTopicScore + linearWeight * linearMargin : -Infinity;
        if (top && top.score >= threshold + 0.01 && margin >= rule.closeMargin + 0.03 && !notCache) {
          offered++;
          expect(result.offered?.id, text).toBe(top.id);
          expect(result.actions, text).toEqual([{ kind: "show_answer", label: expect.stringMatching(/^Show: /), value: top.id }]);
          expect(result.answer, text).toContain(`The closest topic I know is *${engine.section(top.id)!.title}*`);
        } else if (!top || top.score < threshold - 0.01 || margin < rule.closeMargin - 0.03 || notCache) {
          expect(result.offered, text).toBeUndefined();
          expect(result.actions, text).toEqual([]);
        }
      }
    }
    expect(offered).toBeGreaterThan(0);
    // Most refusals are near misses, far below the margin: they are offered nothing.
    expect(offered / refused).toBeLessThan(0.25);
  });

  it("answers from a section by id as a question routed to it would be", () => {
    const routed = engine.answer("how do I clear the build cache", { service: "web" });
    const shown = engine.sectionAnswer("fix-dashboard", { service: "web" });
    expect(shown).toMatchObject({ matched: true, section: routed.section, actions: routed.actions });
    expect(shown?.answer).toContain(engine.section("fix-dashboard")!.answer.slice(0, 60));
    expect(engine.sectionAnswer("nope")).toBeUndefined();
  });

  it("returns full sections by id for see more", () => {
    expect(engine.section("migrations")?.more).toMatch(/DATABASE_URL/);
    expect(engine.section("nope")).toBeUndefined();
  });

  it("answers from a team runbook dropped into the extra folder", () => {
    const dir = mkdtempSync(join(tmpdir(), "railcache-team-"));
    try {
      writeFileSync(
        join(dir, "celery.md"),
        "# Celery beat on Railway\nRestart the beat service after changing the schedule: `railway restart --service beat`.\n",
      );
      const teamEngine = createAnswerEngine(loadKnowledgeBase({ extraDir: dir }));
      // Headings alone: the section's own text is all the router has to learn from.
      const result = teamEngine.answer("how do I restart celery beat on railway after a schedule change");
      expect(result.section?.id).toBe("team-celery-celery-beat-on-railway");
      expect(result.answer).toContain("railway restart --service beat");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("lets a team's own setup section answer instead of the built-in fallback that says how to write one", () => {
    const question = "is build caching turned on for our web service right now?";
    expect(engine.answer(question).section?.id).toBe("team-setup");
    expect(engine.section("team-setup")?.fallback).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), "railcache-team-"));
    try {
      writeFileSync(
        join(dir, "setup.md"),
        "# How our services are set up\nBuild cache: on for web and worker. Database: Neon. Migrations: pre-deploy `python manage.py migrate`.\n",
      );
      const teamEngine = createAnswerEngine(loadKnowledgeBase({ extraDir: dir }));
      expect(teamEngine.answer(question).section?.id).toBe("team-setup-how-our-services-are-set-up");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("lets a team section answer what the built-in near misses only say the built-in runbook cannot", () => {
    const question = "the celery worker gets killed with code 137 when exporting";
    const vercel = "vercel build cache is stale, how do i redeploy without it";
    expect(engine.answer(question).matched).toBe(false);
    const dir = mkdtempSync(join(tmpdir(), "railcache-team-"));
    try {
      writeFileSync(
        join(dir, "ops.md"),
        "# Scheduled jobs\n## Nightly report cron\nThe `reports-cron` service runs `python manage.py send_reports` every night at 02:00 UTC.\n" +
          "## Worker out of memory\nThe worker is killed with exit code 137 when a task loads a whole export into memory: lower `--concurrency` to 2 and stream the export.\n",
      );
      const teamEngine = createAnswerEngine(loadKnowledgeBase({ extraDir: dir }));
      expect(teamEngine.answer(question).section?.id).toBe("team-ops-worker-out-of-memory");
      // Near misses about other caches and hosts still count against a team section.
      expect(teamEngine.answer(vercel).matched).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("lets a team section answer what the built-in near misses say about its topic, and still refuses the team's own negatives", () => {
    const question = "login to the admin on our custom domain fails: CSRF verification failed, origin checking failed";
    const negative = "our react fetch calls say CSRF token missing, how do I send the token from react";
    expect(engine.answer(question).matched).toBe(false);
    const dir = mkdtempSync(join(tmpdir(), "railcache-team-"));
    try {
      writeFileSync(
        join(dir, "web.md"),
        "---\nnegatives:\n  - how do I send the CSRF token from a react fetch call\n---\n# Web\n" +
          "## CSRF failures behind the proxy\nLogins on the custom domain fail with `CSRF verification failed. Request aborted.` and " +
          '"Origin checking failed": Railway\'s proxy terminates TLS, so Django sees http and rejects the Origin header.\n' +
          "1. Add `https://app.example.com` to `CSRF_TRUSTED_ORIGINS` (with the scheme).\n2. Set `SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')`.\n" +
          "## Nightly report cron\nThe `reports-cron` service runs `python manage.py send_reports` every night at 02:00 UTC.\n",
      );
      const kb = loadKnowledgeBase({ extraDir: dir });
      expect(kb.teamNegatives).toEqual(["how do I send the CSRF token from a react fetch call"]);
      const teamEngine = createAnswerEngine(kb);
      expect(teamEngine.answer(question).section?.id).toBe("team-web-csrf-failures-behind-the-proxy");
      expect(teamEngine.answer(negative).matched).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // The linear model is sure of "symptoms" from the prose of a "prod only, is it the cache?" message; the error
  // pasted with it reads like the near misses. (Dev questions of questions-dev-offtopic.jsonl.)
  it("refuses a stale-cache question whose pasted error reads like the near misses", () => {
    const devQuestions = loadQuestions("questions-dev-offtopic.jsonl");
    const devQuestion = (id: string) => devQuestions.find((q) => q.id === id)!.text;
    // A KeyError on DATABASE_URL in a new service: the near misses are much more similar than any section.
    const unsetVariable = engine.answer(devQuestion("do-127"));
    expect(unsetVariable.matched).toBe(false);
    expect(unsetVariable.explain.nearMissCloser).toBe(true);
    expect(unsetVariable.explain.offTopicScore - unsetVariable.explain.candidates[0]!.score).toBeGreaterThan(0.15);
    expect(unsetVariable.answer).toContain("a missing setting or environment variable");
    // A third-party package missing from requirements.txt: the linear model itself sides with the near misses.
    const missingPackage = engine.answer(devQuestion("do-053"));
    expect(missingPackage.matched).toBe(false);
    expect(missingPackage.explain.linearMargin).toBeLessThan(0);
    // The same kind of message about an own module that exists in the repo is a stale cache, and answered.
    const ownModule = engine.answer(
      "prod only, works locally: ModuleNotFoundError: No module named 'billing.services' but billing/services.py is in the repo. stale build?",
    );
    expect(ownModule.section?.id).toBe("symptoms");
  });

  // The threshold is fitted on every example, nearly all built-in; a team heading learned from its text alone is less
  // similar to a question that fits it, so it needs part of the threshold (the margin still guards it). A dev question
  // of test/fixtures/team-runbooks/static-media, whose heading has no examples.
  it("answers a team question that fits its heading better than the near misses, below the built-in sections' threshold", () => {
    const teamEngine = createAnswerEngine(teamRunbookKnowledge("static-media"));
    const result = teamEngine.answer("memory graph on web jumps to like 1.9G every time the thumbnail thing runs, shouldn't that live in celery instead");
    expect(result.section?.id).toBe("team-static-media-image-resizing-kills-the-web-workers");
    expect(result.explain.candidates[0]!.score).toBeLessThan(result.explain.threshold);
  });

  // A team heading's probability is raised to a built-in section's prior; it must still be at least as
  // similar to the message as the nearest near misses. (A dev question of test/fixtures/team-runbooks/domains-security.)
  it("offers, and does not answer with, a team section that a near miss is at least as similar to", () => {
    const teamEngine = createAnswerEngine(teamRunbookKnowledge("domains-security"));
    const otherApp = teamEngine.answer(
      "our notifications service is node/express and the browser says blocked by CORS policy. how do I set the origin list in the cors package?",
    );
    expect(otherApp.matched).toBe(false);
    expect(otherApp.offered?.id).toBe("team-domains-security-cors-for-the-portal-frontend");
    // Another app's CORS: the linear model sides with the team heading, the near misses are more similar.
    const bucket = teamEngine.answer("presigned S3 PUT from the browser fails with a CORS error on the bucket. where do I set allowed origins on the S3 side?");
    expect(bucket.matched).toBe(false);
    expect(bucket.offered?.id).toBe("team-domains-security-cors-for-the-portal-frontend");
    expect(bucket.explain.nearMissCloser).toBe(true);
    expect(bucket.explain.offTopicScore).toBeGreaterThan(Math.max(...bucket.explain.candidates.map((c) => c.score)));
    // The team's own question, nearer its heading than any near miss, is answered.
    const ownQuestion = teamEngine.answer(
      "@here marketing wants `go.hearthbook.io` live on the web service by friday. what exactly do I put in cloudflare for it? never did this on railway",
    );
    expect(ownQuestion.section?.id).toBe("team-domains-security-add-a-custom-domain-to-a-railway-service");
    expect(ownQuestion.explain.nearMissCloser).toBeUndefined();
  });

  // A team heading is preferred over a built-in section that fits about as well, not over one that fits clearly better:
  // a built-in question that shares the team's words stays built-in. (Dev questions of test/fixtures/team-runbooks/.)
  it("answers a built-in question from the built-in section though it names what a team heading is about", () => {
    const domains = createAnswerEngine(teamRunbookKnowledge("domains-security"));
    const bump = domains.answer(
      "I only have github access, no railway dashboard. if I bump django-cors-headers 4.3.1 -> 4.4.0 in requirements.txt does that force a fresh build?",
    );
    expect(bump.section?.id).toBe("fix-requirements-bust");
    const dependencies = createAnswerEngine(teamRunbookKnowledge("dependencies"));
    const start = dependencies.answer(
      "set a custom start command `gunicorn harbor.wsgi --workers 3` on harbor-web (railpack builder) and since then new migrations never get applied. did i drop something?",
    );
    expect(start.section?.id).toBe("railpack-django");
  });

  // A heading with few examples is learned from its text: each sentence is a document of its own, so a question that
  // one sentence answers matches it as it would an example, not diluted by the rest of its paragraph.
  // (Dev questions of test/fixtures/team-runbooks/logging-alerts, whose headings have text alone; both were refused.)
  it("answers a team question from the one sentence of a heading's text that it matches", () => {
    const teamEngine = createAnswerEngine(teamRunbookKnowledge("logging-alerts"));
    const page = teamEngine.answer(
      "made a new sentry alert for 5xx on /checkout/pay, right now it only posts to slack. how do i make it actually page the on-call person",
    );
    expect(page.section?.id).toBe("team-logging-alerts-who-gets-paged-and-where-alerts-go");
    const mute = teamEngine.answer(
      "approved load test on prod tonight 2am, railway crash webhooks are gonna spam pagerduty and wake up kwame lol. how do we shut that up just for the test",
    );
    expect(mute.section?.id).toBe("team-logging-alerts-muting-a-noisy-alert");
  });

  it("answers any input, however odd, with a chat-sized reply that pings nobody", () => {
    const piece = fc.oneof(
      fc.string(),
      fc.constantFrom("@here", "<!channel>", "<@U1>", "```", "FieldError: Invalid field name(s)", "railway cache", ":fire:", "\n", "<https://x|y>"),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
        const result = engine.answer(parts.join(" "));
        expect(result.answer.length).toBeLessThanOrEqual(MAX_ANSWER_CHARS);
        expect(rendered(result)).not.toMatch(PINGS);
        expect(result.confidence).toBeGreaterThanOrEqual(0);
        expect(result.confidence).toBeLessThanOrEqual(1);
        expect(result.matched).toBe(result.section !== null);
      }),
      { numRuns: 300 },
    );
  });
});
