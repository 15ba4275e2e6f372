import { describe, expect, it } from "vitest";
import { tomlKeyLocator } from "../../../src/core/text/toml-lines.js";

const text = [
  'default_environment = "production"', // 1
  "", // 2
  "[build]", // 3
  'builder = "NIXPACKS"', // 4
  "", // 5
  "[[watcher.route]]", // 6
  'service = "web"', // 7
  "[[watcher.route]]", // 8
  'service = "worker"', // 9
  'deploy.startCommand = "gunicorn"', // 10
].join("\n");

describe("the TOML key locator", () => {
  const locate = tomlKeyLocator(text);

  it("finds keys, table headers, entries of arrays of tables and dotted keys", () => {
    expect(locate(["default_environment"])).toBe(1);
    expect(locate(["build"])).toBe(3);
    expect(locate(["build", "builder"])).toBe(4);
    expect(locate(["watcher", "route", 1, "service"])).toBe(9);
    expect(locate(["watcher", "route", 1, "deploy", "startCommand"])).toBe(10);
  });

  it("falls back to the nearest line above a missing key, or says null when asked for the key itself", () => {
    expect(locate(["build", "buildCommand"])).toBe(3);
    expect(locate(["build", "buildCommand"], { exact: true })).toBeNull();
    expect(locate(["build", "builder"], { exact: true })).toBe(4);
  });
});
