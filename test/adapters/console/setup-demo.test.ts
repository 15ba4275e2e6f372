/** The console demo shows `/railcache setup`: the demo project's real settings, with the database host and never its password. */
import { PassThrough } from "node:stream";
import { afterEach, expect, it } from "vitest";
import { ConsolePrinter, runConsoleChat } from "../../../src/adapters/console/chat.js";
import { DEMO_DATABASE_PASSWORD } from "../../../src/railway/simulator/index.js";
import { startTestRuntime, type TestRuntime } from "../../support/runtime.js";

let h: TestRuntime | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

it("prints each service's builder, commands, config file, NO_CACHE and databases in the console chat", async () => {
  h = await startTestRuntime();
  const output = new PassThrough();
  let text = "";
  output.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
  const printer = new ConsolePrinter(output as never, false);
  h.runtime.messengers.register("console", printer);
  const input = new PassThrough();
  const done = runConsoleChat({ bot: h.runtime.bot, input, output: output as never, colour: false, intro: "railcache console" }, printer);
  input.write("/railcache setup\n");
  const end = Date.now() + 20_000;
  while (!text.includes("worker · production") && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 20));
  input.end();
  await done;
  expect(text).toContain("Setup of demo-shop");
  expect(text).toMatch(/Config file: still reads .?railway\.toml/);
  expect(text).toMatch(/Builder: Nixpacks/);
  expect(text).toMatch(/PostgreSQL at .?postgres\.railway\.internal:5432/);
  expect(text).not.toContain(DEMO_DATABASE_PASSWORD);
});
