import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_ANSWER_CHARS, createAnswerEngine, loadKnowledgeBase } from "../../../src/core/kb/index.js";

const engine = createAnswerEngine(loadKnowledgeBase());
const PINGS = /<!(?:here|channel|everyone)|<@[!&]?[A-Za-z0-9]+>|@(?:everyone|here|channel)\b/i;

const traceback = (lines: number) =>
  [
    "Traceback (most recent call last):",
    ...Array.from({ length: lines }, (_, i) => `  File "/opt/venv/lib/python3.12/site-packages/django/mod${i}.py", line ${i + 10}, in fn${i}\n    value = call_${i}(request)`),
    "django.core.exceptions.FieldError: Cannot resolve keyword 'loyalty_tier' into field. Choices are: email, id",
  ].join("\n");

describe("answer engine", () => {
  it("answers a pasted FieldError traceback with the symptoms section and names the error line", () => {
    const result = engine.answer(traceback(8));
    expect(result).toMatchObject({ matched: true, section: { id: "symptoms" } });
    expect(result.confidence).toBeGreaterThan(0.8);
    expect(result.answer).toContain("Cannot resolve keyword 'loyalty_tier'");
    expect(result.signals?.signatures[0]?.signature).toBe("field_error");
  });

  it("sends missing-column errors to the migrations section", () => {
    const result = engine.answer('django.db.utils.ProgrammingError: column "tz" of relation "accounts_profile" does not exist');
    expect(result.section?.id).toBe("migrations");
    expect(result.answer).toMatch(/migrate/);
  });

  it("matches slang and typos through synonyms and fuzzy search", () => {
    expect(engine.answer("nuke the cache pls").section?.id).toBe("fix-dashboard");
    expect(engine.answer("deploy shows old code").section?.id).toBe("symptoms");
    expect(engine.answer("how do i cleer the biuld cahce").section?.id).toBe("fix-dashboard");
  });

  it("matches a Railway build-cache question but not its Docker, npm or pricing look-alikes", () => {
    expect(engine.answer("railway build cache stale after adding a model").matched).toBe(true);
    for (const text of ["docker build cache", "npm cache clean", "how much does railway cost", "hi", "thanks"]) {
      expect(engine.answer(text), text).toMatchObject({ matched: false, section: null, confidence: 0, actions: [] });
    }
  });

  it("leaves generic Django and Railway how-tos alone even when they share the runbook's words", () => {
    for (const text of [
      "how do i add a field to a django model",
      "how to connect to railway postgres from my local machine",
      "how do I set environment variables in railway",
      "should i pick nixpacks or railpack for a new project",
      "how to rollback a migration in django",
    ]) {
      expect(engine.answer(text).matched, text).toBe(false);
    }
  });

  it("sends a question to the section its shape asks for, over the topic words it mentions", () => {
    expect(engine.answer("what kinda changes cause stale build cache issues").section?.id).toBe("triggers");
    expect(engine.answer("is there a way to bust the cache w/o dashboard access").section?.id).toBe("fix-requirements-bust");
    expect(engine.answer("builds got super slow, did someone leave no-cache-dir in?").section?.id).toBe("prevention");
    expect(engine.answer("will our auto migrations break on december 1st?").section?.id).toBe("current-setup");
  });

  it("says what it can help with when nothing fits, without inventing steps", () => {
    const { answer } = engine.answer("how do I add a custom domain?");
    expect(answer).toMatch(/help with/);
    expect(answer).toContain("Fix 1 (recommended): clear the build cache, then redeploy");
    expect(answer.length).toBeLessThanOrEqual(MAX_ANSWER_CHARS);
  });

  it("cleans Slack formatting before matching", () => {
    const result = engine.answer("<@U012AB> <!here> ```FieldError: Cannot resolve keyword 'slug' into field``` :sob: <https://x.io|logs>");
    expect(result.section?.id).toBe("symptoms");
  });

  it("never pings anyone, even when the pasted error line carries mentions", () => {
    const result = engine.answer("django.core.exceptions.FieldError: Cannot resolve keyword '@everyone <!channel> <@U123>' into field");
    expect(result.matched).toBe(true);
    expect(result.answer).not.toMatch(PINGS);
    expect(JSON.stringify(result.signals)).not.toMatch(PINGS);
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

  it("returns full sections by id for see more", () => {
    expect(engine.section("migrations")?.more).toMatch(/DATABASE_URL/);
    expect(engine.section("nope")).toBeUndefined();
  });

  it("answers from a team runbook dropped into the extra folder", () => {
    const dir = mkdtempSync(join(tmpdir(), "railcache-team-"));
    try {
      writeFileSync(join(dir, "celery.md"), "# Celery beat on Railway\nRestart the beat service after changing the schedule: `railway restart --service beat`.\n");
      const teamEngine = createAnswerEngine(loadKnowledgeBase({ extraDir: dir }));
      const result = teamEngine.answer("how do I restart celery beat on railway after a schedule change");
      expect(result.section?.id).toBe("team-celery-celery-beat-on-railway");
      expect(result.answer).toContain("railway restart --service beat");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
        expect(result.answer).not.toMatch(PINGS);
        expect(result.confidence).toBeGreaterThanOrEqual(0);
        expect(result.confidence).toBeLessThanOrEqual(1);
        expect(result.matched).toBe(result.section !== null);
      }),
      { numRuns: 300 },
    );
  });
});
