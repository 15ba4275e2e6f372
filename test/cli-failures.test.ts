/**
 * Known failures at the command line, as a user meets them: real child processes against real
 * local servers (a closed port, a server that never answers, a fake Slack and Discord that refuse
 * the token, a port already taken). Each must end with one sentence naming the cause and the
 * endpoint, no stack trace, no secret, and the README's exit code: 2 usage or configuration,
 * 1 a failure.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startFakeDiscord } from "./fakes/discord/server.js";
import { startFakeSlack } from "./fakes/slack/server.js";

const root = path.resolve(import.meta.dirname, "..");
const dir = mkdtempSync(path.join(tmpdir(), "railcache-cli-failures-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SECRET_PASSWORD = "pw-do-not-print-7731";
const SLACK_TOKEN = "xoxb-1111-2222-wrong-token-do-not-print";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function railcache(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "src/cli.ts", ...args],
      {
        cwd: root,
        env: { PATH: process.env.PATH ?? "", HOME: dir, RAILCACHE_DB: path.join(dir, "railcache.db"), NO_COLOR: "1", PORT: "0", HOST: "127.0.0.1", ...env },
        timeout: 60_000,
      },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** One line on stderr starting `railcache: `, no stack trace, no "unexpected error". */
function expectOneSentence(run: Run): string {
  const lines = run.stderr.trim().split("\n");
  const last = lines.at(-1) ?? "";
  expect(last).toMatch(/^railcache: /);
  expect(run.stderr).not.toMatch(/unexpected error|\n\s+at /);
  return last;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function listening(server: Server | ReturnType<typeof createHttpServer>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

describe("exit codes", () => {
  it("exits 2 on an unknown command or option", async () => {
    expect((await railcache(["bogus"])).code).toBe(2);
    expect((await railcache(["status", "--bogus"])).code).toBe(2);
    expect((await railcache(["--help"])).code).toBe(0);
  });
});

describe("railcache start with something unusable", () => {
  const chat = { SLACK_BOT_TOKEN: "xoxb-1-2-3", SLACK_APP_TOKEN: "xapp-1-2-3" };

  it("names an unreachable PostgreSQL server and exits 1, without the password", async () => {
    const port = await closedPort();
    const run = await railcache(["start"], { ...chat, DATABASE_URL: `postgres://railcache:${SECRET_PASSWORD}@127.0.0.1:${port}/railcache` });
    expect(run.code).toBe(1);
    expect(expectOneSentence(run)).toBe(
      `railcache: Cannot connect to PostgreSQL at 127.0.0.1:${port}/railcache: connection refused (is PostgreSQL running and listening there?).`,
    );
    expect(run.stderr + run.stdout).not.toContain(SECRET_PASSWORD);
  });

  it.skipIf(!process.env.RAILCACHE_TEST_DATABASE_URL)(
    "calls a refused database login configuration: exit 2 (set RAILCACHE_TEST_DATABASE_URL to run)",
    async () => {
      const url = new URL(process.env.RAILCACHE_TEST_DATABASE_URL as string);
      url.username = "no_such_railcache_user";
      url.password = SECRET_PASSWORD;
      const run = await railcache(["start"], { ...chat, DATABASE_URL: url.toString() });
      expect(run.code).toBe(2);
      expect(expectOneSentence(run)).toMatch(new RegExp(`Cannot connect to PostgreSQL at ${url.hostname}:${url.port || 5432}`));
      expect(run.stderr + run.stdout).not.toContain(SECRET_PASSWORD);
    },
  );

  it("names an SQLite path that cannot be used and exits 2", async () => {
    const file = path.join(dir, "a-file");
    writeFileSync(file, "not a folder");
    const run = await railcache(["start"], { ...chat, RAILCACHE_DB: path.join(file, "railcache.db") });
    expect(run.code).toBe(2);
    expect(expectOneSentence(run)).toMatch(new RegExp(`${file}/.*a part of the path is a file, not a folder \\(ENOTDIR\\)\\. Set RAILCACHE_DB`));
  });

  it("names a port already in use and exits 1", async () => {
    const taken = createServer();
    const port = await listening(taken);
    try {
      // The port is taken before Slack is contacted: the health check must be up while chat connects.
      const run = await railcache(["start"], { ...chat, PORT: String(port) });
      expect(run.code).toBe(1);
      expect(expectOneSentence(run)).toBe(
        `railcache: Cannot listen on 127.0.0.1:${port}: the port is already in use (another railcache, or another server?); set PORT to a free one.`,
      );
    } finally {
      taken.close();
    }
  });

  it("says Slack refused the bot token (invalid_auth) at its URL and exits 2, without the token", async () => {
    const slack = await startFakeSlack({ botToken: "xoxb-the-right-one", scopes: [] });
    try {
      const run = await railcache(["start"], {
        SLACK_BOT_TOKEN: SLACK_TOKEN,
        SLACK_SIGNING_SECRET: "0123456789abcdef0123456789abcdef",
        SLACK_API_URL: slack.apiUrl,
      });
      expect(run.code).toBe(2);
      expect(expectOneSentence(run)).toMatch(/^railcache: Slack refused SLACK_BOT_TOKEN at http:\/\/127\.0\.0\.1:\d+\/api\/auth\.test \(invalid_auth\)/);
      expect(run.stderr + run.stdout).not.toContain(SLACK_TOKEN);
    } finally {
      await slack.stop();
    }
  });

  it("says Discord refused the bot token at its URL and exits 2", async () => {
    const discord = await startFakeDiscord({ token: "the.right.token" });
    try {
      const run = await railcache(["start"], { DISCORD_TOKEN: "a.wrong.token", DISCORD_APPLICATION_ID: "123456789012345678", DISCORD_API_URL: discord.apiUrl });
      expect(run.code).toBe(2);
      expect(expectOneSentence(run)).toMatch(/^railcache: Discord refused DISCORD_TOKEN at http:\/\/127\.0\.0\.1:\d+/);
    } finally {
      await discord.stop();
    }
  });
});

describe("a Railway that cannot be reached, from the CLI", () => {
  it("names a refused connection and the URL, and exits 1", async () => {
    const port = await closedPort();
    const run = await railcache(["status"], {
      RAILWAY_TOKEN: "rw-project-token-test",
      RAILWAY_API_URL: `http://127.0.0.1:${port}/graphql/v2`,
      RAILWAY_TIMEOUT_MS: "1000",
    });
    expect(run.code).toBe(1);
    expect(expectOneSentence(run)).toBe(
      `railcache: Cannot reach Railway at http://127.0.0.1:${port}/graphql/v2: connection refused (nothing is listening there), ECONNREFUSED.`,
    );
  });

  it("gives up on a server that never answers within RAILWAY_TIMEOUT_MS, retries included", async () => {
    const silent = createHttpServer(() => undefined);
    const port = await listening(silent);
    try {
      const run = await railcache(["status"], {
        RAILWAY_TOKEN: "rw-project-token-test",
        RAILWAY_API_URL: `http://127.0.0.1:${port}/graphql/v2`,
        RAILWAY_TIMEOUT_MS: "1500",
      });
      expect(run.code).toBe(1);
      expect(expectOneSentence(run)).toBe(`railcache: Railway at http://127.0.0.1:${port}/graphql/v2 did not answer within 1.5 s.`);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});
