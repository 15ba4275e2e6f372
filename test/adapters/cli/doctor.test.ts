/** `railcache doctor` on a team's runbooks: which headings are too thin to be found by how the team asks. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runDoctorChecks } from "../../../src/adapters/cli/doctor.js";
import { silentLogger } from "../../../src/log.js";

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const examples = ["worker stuck again", "kick the worker", "worker frozen, what now", "restart celery how", "celery hung after deploy"];

async function teamCheck(env: Record<string, string>) {
  const checks = await runDoctorChecks({ RAILCACHE_DB: ":memory:", ...env }, { demo: false, log: silentLogger() });
  return checks.find((c) => c.check === "team runbooks");
}

describe("railcache doctor on a team's runbooks", () => {
  it("names the headings with too few example questions and says what to add", async () => {
    dir = mkdtempSync(join(tmpdir(), "railcache-doctor-"));
    const front = `---\nexamples:\n  "Restart the worker":\n${examples.map((e) => `    - ${e}\n`).join("")}---\n`;
    writeFileSync(
      join(dir, "ops.md"),
      `${front}# Ops\n## Restart the worker\nRun \`railway redeploy --service worker\`.\n## Rotate the Stripe key\nRoll it in the dashboard.\n`,
    );
    const check = await teamCheck({ RAILCACHE_KB_DIR: dir });
    expect(check).toMatchObject({
      level: "warn",
      message: expect.stringContaining('1 of 2 headings has fewer than 5 example questions ("Rotate the Stripe key")'),
    });
    expect(check?.message).not.toContain("Restart the worker");
    expect(check?.message).toContain("examples:");
  });

  it("is content when every heading has examples, and silent without team runbooks", async () => {
    dir = mkdtempSync(join(tmpdir(), "railcache-doctor-"));
    const front = `---\nexamples:\n  "Restart the worker":\n${examples.map((e) => `    - ${e}\n`).join("")}---\n`;
    writeFileSync(join(dir, "ops.md"), `${front}# Restart the worker\nRun \`railway redeploy --service worker\`.\n`);
    expect(await teamCheck({ RAILCACHE_KB_DIR: dir })).toMatchObject({ level: "ok", message: "1 heading, with 5 or more example questions" });
    expect(await teamCheck({})).toBeUndefined();
  });
});
