/**
 * `railcache start` with no chat tokens and no terminal (a container, or Railway before its
 * secrets are set): it must serve HTTP and health checks, say so first, and stop on SIGTERM.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const dir = mkdtempSync(path.join(tmpdir(), "railcache-headless-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("railcache start without chat tokens or a terminal", () => {
  it("runs headless: says so in its first log line, answers /healthz and /readyz, and exits 0 on SIGTERM", async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "start"], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", HOME: dir, RAILCACHE_DB: path.join(dir, "railcache.db"), PORT: String(port), HOST: "127.0.0.1" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const deadline = Date.now() + 30_000;
      let health: Response | null = null;
      while (!health?.ok && Date.now() < deadline) {
        health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
        if (!health?.ok) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(health?.status, output).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      const first = JSON.parse(output.split("\n")[0] ?? "{}") as { event?: string; msg?: string };
      expect(first.event).toBe("start.headless");
      expect(first.msg).toMatch(/^headless: no SLACK_BOT_TOKEN or DISCORD_TOKEN and no terminal/);
      expect(output).not.toMatch(/console chat/);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });
});
