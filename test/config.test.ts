import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_RAILWAY_API_URL, loadConfig } from "../src/config.js";

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("loadConfig", () => {
  it("runs with no configuration at all (console demo)", () => {
    const config = loadConfig({});
    expect(config.railway).toBeUndefined();
    expect(config.slack).toBeUndefined();
    expect(config.discord).toBeUndefined();
    expect(config.sqlitePath).toBe(".railcache/railcache.db");
  });

  it("reads a project token from RAILWAY_TOKEN and an account token from RAILWAY_API_TOKEN", () => {
    expect(loadConfig({ RAILWAY_TOKEN: "p-123" }).railway).toMatchObject({ tokenKind: "project", apiUrl: DEFAULT_RAILWAY_API_URL });
    expect(loadConfig({ RAILWAY_API_TOKEN: "a-123", RAILWAY_PROJECT_ID: "proj" }).railway).toMatchObject({
      tokenKind: "account",
      projectId: "proj",
    });
  });

  it("lists every problem at once", () => {
    const problems = problemsOf({
      RAILWAY_API_TOKEN: "a-123",
      SLACK_BOT_TOKEN: "xoxb-1",
      DISCORD_TOKEN: "d",
    });
    expect(problems).toHaveLength(3);
    expect(problems.join("\n")).toMatch(/RAILWAY_PROJECT_ID is missing/);
    expect(problems.join("\n")).toMatch(/neither SLACK_SIGNING_SECRET/);
    expect(problems.join("\n")).toMatch(/DISCORD_APPLICATION_ID is not/);
  });

  it("says what a malformed value should look like without echoing it", () => {
    const problems = problemsOf({ SLACK_BOT_TOKEN: "secret-value-123", PORT: "http", LOG_LEVEL: "loud" });
    expect(problems.join("\n")).toMatch(/SLACK_BOT_TOKEN should start with xoxb-/);
    expect(problems.join("\n")).toMatch(/PORT/);
    expect(problems.join("\n")).toMatch(/LOG_LEVEL/);
    expect(problems.join("\n")).not.toContain("secret-value-123");
  });

  it("says a number is expected in words, never zod's 'received NaN'", () => {
    const problems = problemsOf({ PORT: "http", RAILWAY_TIMEOUT_MS: "ten seconds", RAILCACHE_UNANSWERED_DAYS: "1.5" }).join("\n");
    expect(problems).toContain("PORT should be a port number, like 3000 (0 picks a free one)");
    expect(problems).toContain("RAILWAY_TIMEOUT_MS should be a whole number of milliseconds");
    expect(problems).toContain("RAILCACHE_UNANSWERED_DAYS should be a whole number of days");
    expect(problems).not.toMatch(/NaN|Invalid input/);
    expect(problemsOf({ RAILWAY_TIMEOUT_MS: "300", RAILCACHE_UNANSWERED_DAYS: "-1" }).join("\n")).toMatch(
      /RAILWAY_TIMEOUT_MS should be at least 500 \(milliseconds\)[\s\S]*RAILCACHE_UNANSWERED_DAYS should be 0 \(keep no refused questions\) or more days|RAILCACHE_UNANSWERED_DAYS should be 0 \(keep no refused questions\) or more days[\s\S]*RAILWAY_TIMEOUT_MS should be at least 500/,
    );
    expect(loadConfig({ RAILCACHE_UNANSWERED_DAYS: "0" }).unansweredDays).toBe(0);
    expect(loadConfig({}).unansweredDays).toBe(30);
  });

  it("picks Socket Mode when an app-level token is given", () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1-A" });
    expect(config.slack?.mode).toBe("socket");
    expect(loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" }).slack?.mode).toBe("http");
  });

  it("refuses two Railway tokens at once", () => {
    expect(problemsOf({ RAILWAY_API_TOKEN: "a", RAILWAY_TOKEN: "p", RAILWAY_PROJECT_ID: "x" }).join()).toMatch(/both set/);
  });
});
