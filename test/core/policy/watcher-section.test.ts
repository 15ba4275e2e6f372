import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parsePolicy } from "../../../src/core/policy/index.js";
import { defaultWatcherRules, resolveWatcherRules } from "../../../src/core/watcher/index.js";
import { problemsOf } from "./problems.js";

const exampleText = readFileSync(new URL("../../fixtures/policy/railcache.example.toml", import.meta.url), "utf8");

describe("the [watcher] section", () => {
  it("is absent from the policy when the file has no [watcher] section", () => {
    expect(parsePolicy('default_environment = "staging"\n').watcher).toBeUndefined();
  });

  it("reads poll interval, scope, cooldown, tuned rules and routes in the watcher's own units", () => {
    const policy = parsePolicy(
      [
        "[watcher]",
        'poll_interval = "45s"',
        'services = ["web", "worker"]',
        'environments = ["production"]',
        'cooldown = "15m"',
        "[watcher.rules]",
        'no_cache_after = "3h"',
        'building_after = "25m"',
        'http5xx = { min_count = 20, window = "2m" }',
        "config_file = false",
        "approval = { enabled = false }",
        "failures = { log_tail_lines = 400 }",
        "[[watcher.route]]",
        'service = "worker"',
        'slack_channel = "C0WORKER"',
        "[[watcher.route]]",
        'environment = "staging"',
        'discord_channel = "112233445566778899"',
      ].join("\n"),
    );
    expect(policy.watcher).toEqual({
      pollIntervalMs: 45_000,
      services: ["web", "worker"],
      environments: ["production"],
      rules: {
        cooldownMs: 15 * 60_000,
        noCache: { afterMs: 3 * 3_600_000 },
        building: { afterMs: 25 * 60_000 },
        http5xx: { minCount: 20, windowMs: 2 * 60_000 },
        configFile: { enabled: false },
        approval: { enabled: false },
        failures: { logTailLines: 400 },
      },
      routes: [
        { service: "worker", target: { platform: "slack", channelId: "C0WORKER" } },
        { environment: "staging", target: { platform: "discord", channelId: "112233445566778899" } },
      ],
    });
  });

  it("leaves every setting the file does not name at the watcher's defaults", () => {
    const policy = parsePolicy("[watcher.rules]\nhttp5xx = { min_count = 3 }\nbuilding = false\n");
    const rules = resolveWatcherRules(policy.watcher?.rules);
    const defaults = defaultWatcherRules();
    expect(rules.http5xx).toEqual({ ...defaults.http5xx, minCount: 3 });
    expect(rules.building).toEqual({ ...defaults.building, enabled: false });
    expect(rules.noCache).toEqual(defaults.noCache);
    expect(rules.cooldownMs).toBe(defaults.cooldownMs);
    expect(policy.watcher?.pollIntervalMs).toBeUndefined();
    expect(policy.watcher?.services).toBeUndefined();
    expect(policy.watcher?.routes).toEqual([]);
  });

  it("accepts a rule's table form with `after` as well as the `_after` shorthand", () => {
    const policy = parsePolicy('[watcher.rules]\nno_cache = { enabled = true, after = "90m" }\n');
    expect(policy.watcher?.rules.noCache).toEqual({ enabled: true, afterMs: 90 * 60_000 });
  });

  it("documents in the example file the watcher's defaults and two routes", () => {
    const watcher = parsePolicy(exampleText).watcher;
    const defaults = defaultWatcherRules();
    const rules = resolveWatcherRules(watcher?.rules);
    expect(rules).toEqual(defaults);
    expect(watcher?.pollIntervalMs).toBe(30_000);
    expect(watcher?.routes.map((r) => [r.service ?? r.environment, r.target.channelId])).toEqual([
      ["worker", "C0WORKER"],
      ["staging", "C0STAGING"],
    ]);
  });
});

describe("[watcher] errors", () => {
  it("lists every problem in the section at once, each with its line", () => {
    const text = [
      "[watcher]", // 1
      'poll_interval = "1s"', // 2
      'service = ["web"]', // 3
      "[watcher.rules]", // 4
      'no_cache_after = "2 hours"', // 5
      'http5xx = { min_count = 0, windw = "5m" }', // 6
      'config_file = "no"', // 7
      'building = { after = "1m" }', // 8
      'building_after = "2m"', // 9
      "", // 10
      "[[watcher.route]]", // 11
      'slack_channel = "#alerts"', // 12
      "", // 13
      "[[watcher.route]]", // 14
      'service = "web"', // 15
      'slack_channel = "C0WEB"', // 16
      'discord_channel = "112233445566778899"', // 17
      "color = 'red'", // 18
    ].join("\n");
    const problems = problemsOf(text);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^line 2: `watcher\.poll_interval`: must be between 5s and 1h/),
        expect.stringMatching(/^line 3: `watcher\.service`: unknown key/),
        expect.stringMatching(/^line 5: `watcher\.rules\.no_cache_after`: "2 hours" is not a duration/),
        expect.stringMatching(/^line 6: `watcher\.rules\.http5xx\.min_count`: /),
        expect.stringMatching(/^line 6: `watcher\.rules\.http5xx\.windw`: unknown key/),
        expect.stringMatching(/^line 7: `watcher\.rules\.config_file`: use true, false or a table/),
        expect.stringMatching(/^line 9: `watcher\.rules\.building_after`: set either `building_after` or `building\.after`, not both/),
        expect.stringMatching(/^line 12: `watcher\.route\[0\]\.slack_channel`: should be a Slack channel id/),
        expect.stringMatching(/^line 11: `watcher\.route\[0\]`: a route needs `service` or `environment`/),
        expect.stringMatching(/^line 14: `watcher\.route\[1\]`: a route needs exactly one of `slack_channel` or `discord_channel`/),
        expect.stringMatching(/^line 18: `watcher\.route\[1\]\.color`: unknown key/),
      ]),
    );
    expect(problems).toHaveLength(11);
  });

  it("refuses an empty services list instead of silently watching nothing", () => {
    expect(problemsOf("[watcher]\nservices = []\n")).toEqual([expect.stringMatching(/^line 2: `watcher\.services`: list at least one service/)]);
  });

  it("refuses a Discord channel that is not a numeric id", () => {
    const problems = problemsOf('[[watcher.route]]\nenvironment = "staging"\ndiscord_channel = "#deploys"\n');
    expect(problems).toEqual([expect.stringMatching(/^line 3: `watcher\.route\[0\]\.discord_channel`: should be a numeric Discord channel id/)]);
  });
});
