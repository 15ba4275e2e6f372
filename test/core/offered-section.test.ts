/** A question the engine refused only just: the reply names its best section, and the button shows it. */
import { describe, expect, it } from "vitest";
import { loadQuestions } from "../../bench/answer-quality.js";
import { createBotCore, type RequestContext } from "../../src/core/bot-core.js";
import { createAnswerEngine, loadKnowledgeBase } from "../../src/core/kb/index.js";
import { defaultPolicy } from "../../src/core/policy/policy.js";
import { systemClock } from "../../src/core/ports/clock.js";
import { silentLogger } from "../../src/log.js";

const answers = createAnswerEngine(loadKnowledgeBase({}));
const bot = createBotCore({ answers, policy: defaultPolicy(), clock: systemClock, log: silentLogger() });
const ctx: RequestContext = { actor: { platform: "console", userId: "dana", groups: [] }, target: { platform: "console", channelId: "c" } };

/** An on-topic question of the tunable sets that the engine refuses but offers a section (found, not hard-coded). */
function refusedButOffered(): string {
  for (const name of ["questions.jsonl", "questions-probes.jsonl", "questions-eval2.jsonl", "questions-dev-v3.jsonl", "questions-dev-near.jsonl"]) {
    for (const q of loadQuestions(name)) if (q.expect !== null && answers.answer(q.text).offered) return q.text;
  }
  throw new Error("no question of the tunable sets is refused but offered a section");
}

describe("a question refused only just", () => {
  it("is told the closest topic, and its button answers from that section", async () => {
    const question = refusedButOffered();
    const offered = answers.answer(question).offered!;
    const reply = await bot.ask(question, ctx);
    expect(reply.title).toBe("Not something I know");
    expect(reply.body).toContain(`The closest topic I know is *${offered.title}*`);
    const button = reply.actions?.find((a) => a.kind === "show_answer");
    expect(button).toEqual({ kind: "show_answer", label: expect.stringMatching(/^Show: /), value: offered.id });

    const shown = await bot.action("show_answer", button!.value!, ctx);
    expect(shown.title).toBe(offered.title);
    expect(shown.context).toBe(`railcache knowledge base: ${offered.id}`);
    expect(shown.body).toBe(answers.sectionAnswer(offered.id)!.answer);
  });

  it("shows a section's steps and its own buttons, as a question routed to it would", async () => {
    const shown = await bot.action("show_answer", "fix-dashboard", ctx);
    expect(shown).toMatchObject({ title: answers.section("fix-dashboard")!.title, body: answers.sectionAnswer("fix-dashboard")!.answer });
    expect(shown.actions?.map((a) => a.kind)).toContain("clear");
  });

  it("says so when the section is gone since the button was posted", async () => {
    const reply = await bot.action("show_answer", "a-section-since-removed", ctx);
    expect(reply).toMatchObject({ title: "That section is gone", private: true });
  });

  it("offers nothing for chit-chat far from every topic", async () => {
    const reply = await bot.ask("tell me a joke about penguins", ctx);
    expect(reply.title).toBe("Not something I know");
    expect(reply.actions ?? []).toEqual([]);
    expect(reply.body).not.toContain("closest topic");
  });
});
