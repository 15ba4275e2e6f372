import { PassThrough } from "node:stream";
import { Terminal } from "@xterm/headless";
import { afterEach, describe, expect, it } from "vitest";
import { ConsolePrinter, runConsoleChat } from "../../../src/adapters/console/chat.js";
import { startTestRuntime, type TestRuntime } from "../../support/runtime.js";

const COLUMNS = 100;
let h: TestRuntime | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A headless terminal (newlines as a pty delivers them) that reads everything the chat writes, as a person's screen would. */
function screen(): { output: PassThrough & { isTTY: boolean; columns: number }; lines(): Promise<string[]> } {
  const term = new Terminal({ cols: COLUMNS, rows: 200, allowProposedApi: true, convertEol: true });
  const output = Object.assign(new PassThrough(), { isTTY: true, columns: COLUMNS });
  let pending = Promise.resolve();
  output.on("data", (chunk: Buffer) => {
    pending = pending.then(() => new Promise<void>((resolve) => term.write(chunk.toString("utf8"), resolve)));
  });
  async function lines(): Promise<string[]> {
    await pending;
    const buffer = term.buffer.active;
    const rows: string[] = [];
    for (let i = 0; i <= buffer.baseY + buffer.cursorY; i++) rows.push(buffer.getLine(i)?.translateToString(true) ?? "");
    return rows;
  }
  dump = lines;
  return { output, lines };
}

let dump: (() => Promise<string[]>) | undefined;
async function until(check: () => Promise<boolean> | boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${dump ? `:\n${(await dump()).join("\n")}` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Starts the console chat over the real runtime; returns how to type a line. */
async function startChat(output: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }, live: boolean) {
  h = await startTestRuntime();
  const printer = new ConsolePrinter(output as never, false, { live });
  h.runtime.messengers.register("console", printer);
  const input = new PassThrough();
  const done = runConsoleChat({ bot: h.runtime.bot, input, output: output as never, colour: false, intro: "railcache console" }, printer);
  return { input, printer, type: (line: string) => input.write(`${line}\r`), done, end: () => input.end() };
}

describe("console chat", () => {
  it("on a terminal, redraws a workflow's status message in place and the prompt under it, with no raw markup", async () => {
    const term = screen();
    const chat = await startChat(term.output, true);
    chat.type("/railcache clear web staging");
    await until(async () => (await term.lines()).some((l) => l.includes("[1] Clear cache and rebuild")), "the prompt");
    chat.type("1");
    await until(async () => (await term.lines()).some((l) => l.startsWith("Done:")), "the final status", 60_000);
    const lines = await term.lines();
    const text = lines.join("\n");
    if (process.env.SHOW_SCREEN) console.log(text);
    // One status message, edited: the steps before "Done" are gone from the screen.
    expect(lines.filter((l) => l.startsWith("Cache clear: web (staging)"))).toHaveLength(1);
    expect(text).not.toContain("Confirmed.");
    expect(text).not.toContain("Building without the layer cache");
    expect(text).not.toContain("↻");
    // Markdown is rendered, not printed: no bold stars, backticks or [label](url).
    expect(text).not.toMatch(/\*\*|`|\]\(/);
    expect(text).toContain("Set NO_CACHE=1 on web (staging)");
    // The prompt is drawn again under the output that arrived while it waited.
    expect(lines.at(-1)).toBe("you> ");
    chat.end();
    await chat.done;
  }, 90_000);

  it("prints a message that arrives while someone types above the prompt, and keeps what was typed", async () => {
    const term = screen();
    const chat = await startChat(term.output, true);
    chat.input.write("how do I clear");
    await until(async () => (await term.lines()).at(-1) === "you> how do I clear", "the typed text");
    // What the watcher does when a deploy fails: post a card into the channel.
    await chat.printer.post({ platform: "console", channelId: "console" }, { title: "web (staging) crashed", body: "**Why a stale cache:** a `FieldError`" });
    const lines = await term.lines();
    expect(lines).toContain("Why a stale cache: a FieldError");
    expect(lines.at(-1)).toBe("you> how do I clear");
    expect(lines.filter((l) => l.startsWith("you>"))).toHaveLength(1);
    chat.type(" cache?");
    await until(async () => (await term.lines()).some((l) => l.startsWith("Fix 1")), "the answer");
    chat.end();
    await chat.done;
  }, 90_000);

  it("without a terminal, prints each later step as one clean line and each text once", async () => {
    const output = new PassThrough();
    let printed = "";
    output.on("data", (chunk: Buffer) => (printed += chunk.toString("utf8")));
    const chat = await startChat(output, false);
    chat.type("/railcache clear web staging");
    await until(() => printed.includes("[1] Clear cache and rebuild"), "the prompt");
    chat.type("1");
    await until(() => /^Cache clear: web \(staging\): Done:/m.test(printed), "the final status", 60_000);
    const steps = printed.split("\n").filter((l) => l.startsWith("Cache clear: web (staging): "));
    expect(steps.length).toBeGreaterThanOrEqual(3);
    expect(steps.at(-1)).toMatch(/: Done: web \(staging\) was rebuilt without the build cache/);
    expect(printed.match(/Confirmed\./g)).toHaveLength(1);
    expect(printed).not.toMatch(/↻|\*\*|`/);
    chat.end();
    await chat.done;
  }, 90_000);
});
