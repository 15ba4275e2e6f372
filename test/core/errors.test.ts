import { describe, expect, it } from "vitest";
import { exitCodeOf, failurePhrase, KnownFailure, toUserReply } from "../../src/core/errors.js";
import { RailwayError } from "../../src/core/ports/railway.js";
import { PolicyError } from "../../src/core/policy/index.js";

describe("toUserReply: the one way an error becomes words for a person", () => {
  it("shows a known failure's own sentence, privately, as an error", () => {
    const reply = toUserReply(new RailwayError("unavailable", "Cannot reach Railway at https://backboard.railway.com/graphql/v2: connection refused."));
    expect(reply).toEqual({
      title: "Railway did not answer as expected",
      body: "Cannot reach Railway at https://backboard.railway.com/graphql/v2: connection refused.",
      tone: "error",
      private: true,
    });
  });

  it("never shows a bug's message, which may hold anything (a token, a query, a path)", () => {
    const reply = toUserReply(new Error("connect failed with token xoxb-secret-4242"));
    expect(reply.title).toBe("Something went wrong");
    expect(JSON.stringify(reply)).not.toContain("xoxb-secret-4242");
    expect(failurePhrase(new TypeError("x is undefined"))).toBe("an unexpected error (details are in railcache's log)");
  });

  it("maps categories to the README's exit codes", () => {
    expect(exitCodeOf(new PolicyError("railcache.toml", ["line 1: bad"]))).toBe(2);
    expect(exitCodeOf(new RailwayError("unauthorized", "Railway refused: Not Authorized."))).toBe(2);
    expect(exitCodeOf(new RailwayError("timeout", "Railway did not answer."))).toBe(1);
    expect(exitCodeOf(new KnownFailure("The port is in use."))).toBe(1);
    expect(exitCodeOf(new Error("bug"))).toBe(70);
  });
});
