/**
 * The README's demo script, typed into a real terminal (tmux) exactly as written: the `you>`
 * lines of the quick start's `text` block, sent one by one to `railcache start` with no tokens.
 * A newcomer following the README must see the warning card, an answer, the status, a prompt
 * that lasts its 5 minutes, a finished clear, and no log lines in the chat.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const hasTmux = spawnSync("tmux", ["-V"]).status === 0;
// A server of our own: the test never touches a contributor's tmux sessions.
const socket = `railcache-test-${process.pid}`;
const home = mkdtempSync(path.join(tmpdir(), "railcache-readme-demo-"));

function tmux(...args: string[]): string {
  return execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });
}

afterAll(() => {
  spawnSync("tmux", ["-L", socket, "kill-server"]);
  rmSync(home, { recursive: true, force: true });
});

/** The README's demo: each `you>` line, without the explanation in parentheses after it. */
function readmeSteps(): string[] {
  const readme = readFileSync(path.join(root, "README.md"), "utf8");
  const block = /## Quick start[\s\S]*?```text\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
  return block
    .split("\n")
    .filter((line) => line.startsWith("you> "))
    .map((line) =>
      line
        .slice("you> ".length)
        .replace(/\s{2,}\(.*\)$/, "")
        .trim(),
    );
}

/** The tmux session the demo runs in now. */
let session = "demo";

/** The whole scrollback, wrapped lines joined. */
function screen(): string {
  return tmux("capture-pane", "-p", "-J", "-S", "-5000", "-t", session);
}

async function waitFor(pattern: RegExp, what: string, ms = 60_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const text = screen();
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the terminal shows:\n${text.slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function type(line: string): void {
  tmux("send-keys", "-t", session, "-l", line);
  tmux("send-keys", "-t", session, "Enter");
}

describe.skipIf(!hasTmux)("the README's demo script in a terminal (needs tmux)", () => {
  it("works as written, from the warning card to a finished clear, with no log lines in the chat", async () => {
    const steps = readmeSteps();
    expect(steps).toEqual([
      "my deploy says FieldError: Invalid field name(s) given in select_related: 'customer'",
      "/railcache status",
      "/railcache clear web staging",
      "confirm",
      "quit",
    ]);

    // The demo's files (its log) go to a temporary folder, not into the repository.
    const env = [
      `PATH=${process.env.PATH ?? ""}`,
      `HOME=${home}`,
      `RAILCACHE_DB=${path.join(home, ".railcache", "railcache.db")}`,
      "TERM=xterm-256color",
      "NO_COLOR=1",
    ];
    const command = `env -i ${env.map((e) => `'${e}'`).join(" ")} '${process.execPath}' --import tsx src/cli.ts start; echo "[exited $?]"; sleep 60`;
    // `npm start` is a build and then this command; tsx runs the same source without writing dist/.
    tmux("new-session", "-d", "-s", "demo", "-x", "200", "-y", "60", "-c", root, command);

    await waitFor(/you> /, "the prompt");
    await waitFor(/web \(staging\) crashed: looks like a stale build cache/, "the warning card");

    const [question, status, clear, confirm, quit] = steps as [string, string, string, string, string];
    type(question);
    await waitFor(/stale build cache[\s\S]*railcache knowledge base: symptoms/, "the answer");
    type(status);
    await waitFor(/2 services in 2 environments, 1 failing \(web\/staging\)/, "the status");
    type(clear);
    const prompt = await waitFor(/Clear the build cache of web in staging\?[\s\S]*Expires in 5 min \((\d\d:\d\d) UTC\)/, "the confirmation prompt");
    // Real time: the expiry is five minutes from now on the wall clock (not a 10x demo clock).
    const expires = /Expires in 5 min \((\d\d):(\d\d) UTC\)/.exec(prompt)!;
    const inFive = new Date(Date.now() + 5 * 60_000);
    const minutes = (h: number, m: number) => h * 60 + m;
    expect(Math.abs(minutes(Number(expires[1]), Number(expires[2])) - minutes(inFive.getUTCHours(), inFive.getUTCMinutes())) % (24 * 60)).toBeLessThanOrEqual(
      1,
    );
    // A person reads the prompt before confirming. The demo once ran its clock ten times fast and
    // the 5-minute window closed after 30 real seconds: this wait is what caught it.
    await new Promise((resolve) => setTimeout(resolve, 35_000));
    type(confirm);
    await waitFor(/Done: web \(staging\) was rebuilt without the build cache/, "the finished clear", 90_000);
    type(quit);
    const end = await waitFor(/\[exited (\d+)\]/, "the process to exit");
    expect(/\[exited (\d+)\]/.exec(end)?.[1]).toBe("0");

    expect(end).not.toMatch(/"level":\d+/);
    expect(end).toMatch(/Logs: .*\.railcache\/console\.log/);

    // A second `npm start` in the same folder starts afresh: the card again, and no "Too soon".
    // The new session first: killing the server's last session would stop the server under us.
    tmux("new-session", "-d", "-s", "again", "-x", "200", "-y", "60", "-c", root, command);
    tmux("kill-session", "-t", "demo");
    session = "again";
    await waitFor(/web \(staging\) crashed: looks like a stale build cache/, "the warning card on the second start");
    type(clear);
    const again = await waitFor(/Clear the build cache of web in staging\?|Too soon/, "the prompt on the second start");
    expect(again).not.toMatch(/Too soon/);
    type(quit);
    await waitFor(/\[exited 0\]/, "the second process to exit");
  }, 240_000);
});
