import { describe, expect, it } from "vitest";
import { closest, editDistance } from "../../../src/core/text/closest.js";

describe("closest names", () => {
  it("counts an adjacent swap as one edit", () => {
    expect(editDistance("wbe", "web")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
  });

  it("suggests by prefix too", () => {
    expect(closest("wo", ["web", "worker"])).toEqual(["worker"]);
  });

  it("ranks the nearest first, ignores case, and offers nothing for a word that is not a typo", () => {
    expect(closest("Wrokers", ["worker", "workers", "web"])).toEqual(["workers", "worker"]);
    expect(closest("startComand", ["startCommand", "preDeployCommand"], 1)).toEqual(["startCommand"]);
    expect(closest("postgres", ["web", "worker"])).toEqual([]);
  });
});
