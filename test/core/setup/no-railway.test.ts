/** Without Railway, `/railcache setup` says how to connect, and questions about our setup get the knowledge-base answer. */
import { describe, expect, it } from "vitest";
import { createBotCore, type RequestContext } from "../../../src/core/bot-core.js";
import { createAnswerEngine, loadKnowledgeBase } from "../../../src/core/kb/index.js";
import { defaultPolicy } from "../../../src/core/policy/policy.js";
import { systemClock } from "../../../src/core/ports/clock.js";
import { silentLogger } from "../../../src/log.js";

const bot = createBotCore({ answers: createAnswerEngine(loadKnowledgeBase({})), policy: defaultPolicy(), clock: systemClock, log: silentLogger() });
const ctx: RequestContext = { actor: { platform: "console", userId: "dana", groups: [] }, target: { platform: "console", channelId: "c" } };

describe("setup without Railway", () => {
  it("says how to connect", async () => {
    const reply = await bot.command("setup web", ctx);
    expect(reply.title).toBe("Railway is not connected");
    expect(reply.body).toContain("RAILWAY_TOKEN");
  });

  it("answers a question about our setup from the knowledge base, instantly", async () => {
    const reply = await bot.ask("is build caching on for our web service?", ctx);
    expect(reply.context).toBe("railcache knowledge base: team-setup");
    expect(bot.instantReply("ask is build caching on for our web service?")).toEqual(reply);
  });
});
