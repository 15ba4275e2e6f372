#!/usr/bin/env node
/**
 * The `railcache` command line. Each command parses its flags with commander, loads only what
 * it needs (so `railcache ask` starts fast), and maps failures to one clear line and an exit code.
 */
import { Command, CommanderError, Option } from "commander";
import { exitCodeOf, toUserReply } from "./core/errors.js";
import { ConfigError, loadConfig, secretsOf, type Config } from "./config.js";
import { CliError, printJson } from "./adapters/cli/io.js";
import { createLogger, type Logger } from "./log.js";
import { redactConnectionSecrets } from "./redact.js";
import type { RailwayConnection, Runtime } from "./runtime.js";

const program = new Command("railcache")
  .description("Answers stale Railway build-cache questions, shows deploy status, and clears the build cache safely.")
  .version("0.1.0")
  .showHelpAfterError("(run railcache --help for the list of commands)")
  // Usage errors exit 2 (the README's contract), not commander's 1; set before any subcommand so they inherit it.
  .exitOverride();

const demoOption = new Option("--demo", "use the simulated demo-shop project instead of a Railway token");

/** Config and a stderr logger for one command; every config problem is listed at once. */
function setup(level = "warn"): { config: Config; log: Logger } {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, 2);
    throw error;
  }
  return { config, log: createLogger({ level: process.env.LOG_LEVEL ?? level, destination: process.stderr, secrets: secretsOf(config) }) };
}

async function withRuntime<T>(demo: boolean, run: (runtime: Runtime) => Promise<T>): Promise<T> {
  const { createRuntime } = await import("./runtime.js");
  // Retries and slow calls are told as progress lines (below), not as JSON warnings.
  const { config, log } = setup("error");
  // On a terminal a slow or retried Railway call says what it is waiting for, instead of silence.
  const progress = process.stderr.isTTY ? { onRailwayProgress: (message: string) => process.stderr.write(`railcache: ${message}\n`) } : {};
  const runtime = await createRuntime({ config, log, demo, requireRailway: true, ...progress });
  try {
    return await run(runtime);
  } finally {
    await runtime.close();
  }
}

program
  .command("ask")
  .description("answer a question or a pasted traceback (reads stdin when no words are given)")
  .argument("[question...]", "the question")
  .option("--json", "print the result object")
  .option("--jsonl", 'read {"id","text"} JSON lines on stdin and write one result line per input')
  .option("--explain", "also print why: the best sections with their scores, the signals found, the accept rule")
  .action(async (words: string[], options: { json?: boolean; jsonl?: boolean; explain?: boolean }) => {
    const { openKnowledge } = await import("./core/kb/open-knowledge.js");
    const { askCommand } = await import("./adapters/cli/ask.js");
    const { config, log } = setup();
    await askCommand(openKnowledge(config.kbDir, log), words, options);
  });

program
  .command("check")
  .description("score a file of your team's questions against the runbooks, as the bot answers them; exits 3 below --min (for CI)")
  .argument("<questions.jsonl>", 'one JSON object a line: {"text": "...", "expect": "Heading" | ["Heading", ...] | null}')
  .option("--min <share>", "the share (0 to 1) of questions answered from the expected section or refused as expected", "0.9")
  .option("--json", "print the report as JSON")
  .action(async (file: string, options: { min: string; json?: boolean }) => {
    const { openKnowledge } = await import("./core/kb/open-knowledge.js");
    const { checkCommand } = await import("./adapters/cli/check.js");
    const { config, log } = setup();
    process.exitCode = checkCommand(openKnowledge(config.kbDir, log), file, options);
  });

program
  .command("status")
  .description("latest deployment of each service per environment, with dashboard links")
  .argument("[service]", "only this service")
  .option("--env <environment>", "only this environment")
  .option("--json", "print JSON")
  .addOption(demoOption)
  .action(async (service: string | undefined, options: { env?: string; json?: boolean; demo?: boolean }) => {
    const { statusCommand } = await import("./adapters/cli/status.js");
    await withRuntime(Boolean(options.demo), async (runtime) => {
      await statusCommand(runtime, service, options);
    });
  });

program
  .command("setup")
  .description("our real setup from Railway: builder, start and pre-deploy commands, config file, NO_CACHE, databases, migration checks")
  .argument("[service]", "only this service")
  .option("--env <environment>", "only this environment (default from railcache.toml, else production)")
  .option("--json", "print JSON")
  .addOption(demoOption)
  .action(async (service: string | undefined, options: { env?: string; json?: boolean; demo?: boolean }) => {
    const { setupCliCommand } = await import("./adapters/cli/setup.js");
    await withRuntime(Boolean(options.demo), async (runtime) => {
      await setupCliCommand(runtime.railway as RailwayConnection, service, { ...options, defaultEnv: runtime.policy.defaultEnvironment });
    });
  });

const webhook = program.command("webhook").description("Railway deploy webhooks for the watcher");
webhook
  .command("setup")
  .description("create or update (idempotently) a signed notification rule sending deploy events to this bot, then test a delivery")
  .option("--url <public-url>", "the bot's public base URL (default RAILCACHE_PUBLIC_URL)")
  .option("--json", "print the result as JSON")
  .action(async (options: { url?: string; json?: boolean }) => {
    const { setupWebhookRule, formatWebhookSetup } = await import("./adapters/cli/webhook.js");
    const { printJson } = await import("./adapters/cli/io.js");
    const { config } = setup();
    const publicUrl = options.url ?? config.publicUrl;
    const missing = [
      ...(publicUrl ? [] : ["RAILCACHE_PUBLIC_URL (or --url): the bot's public base URL, e.g. https://railcache.up.railway.app"]),
      ...(config.webhookSecret ? [] : ["RAILCACHE_WEBHOOK_SECRET: at least 24 random characters, the secret part of the URL"]),
      ...(config.webhookSigningSecret ? [] : ["RAILCACHE_WEBHOOK_SIGNING_SECRET: at least 24 random characters, the rule's webhook secret"]),
    ];
    if (missing.length) {
      throw new CliError(`webhook setup needs, here and in the bot's environment:\n  ${missing.join("\n  ")}\nMake a secret with: openssl rand -hex 32`, 2);
    }
    await withRuntime(false, async (runtime) => {
      const railway = runtime.railway as RailwayConnection;
      const result = await setupWebhookRule(railway.api, {
        projectId: railway.projectId,
        publicUrl: publicUrl as string,
        pathSecret: config.webhookSecret as string,
        signingSecret: config.webhookSigningSecret as string,
      });
      if (options.json) printJson(result);
      else process.stdout.write(`${formatWebhookSetup(result)}\n`);
      if (result.verdict === "wrong_path" || result.verdict === "unreachable" || result.verdict === "error") process.exitCode = 1;
    });
  });

for (const kind of ["clear", "redeploy"] as const) {
  program
    .command(kind)
    .description(
      kind === "clear"
        ? "clear the build cache of a service and rebuild it (asks to confirm)"
        : "rebuild a service from its current commit, keeping the cache (asks to confirm)",
    )
    .argument("<service>", "service name or alias")
    .option("--env <environment>", "environment (default from railcache.toml, else production)")
    .option("-y, --yes", "do not ask for confirmation")
    .option("--json", "print the finished workflow as JSON")
    .addOption(demoOption)
    .action(async (service: string, options: { env?: string; yes?: boolean; json?: boolean; demo?: boolean }) => {
      const { workflowCommand } = await import("./adapters/cli/workflow.js");
      await withRuntime(Boolean(options.demo), (runtime) => workflowCommand(runtime, kind, service, options));
    });
}

/** Reading what the bot kept must not leave an empty database behind in whatever folder it was run from. */
async function requireBotDatabase(config: { databaseUrl: string | undefined; sqlitePath: string }, what: string): Promise<void> {
  const { existsSync } = await import("node:fs");
  const { resolve } = await import("node:path");
  if (config.databaseUrl || existsSync(config.sqlitePath)) return;
  throw new CliError(
    `No ${what} at ${resolve(config.sqlitePath)}: railcache has not run with this database here. Set RAILCACHE_DB to the bot's SQLite file, or DATABASE_URL to its PostgreSQL.`,
    1,
  );
}

program
  .command("audit")
  .description("what railcache did: who asked, who confirmed, what ran, how it ended")
  .option("--since <period>", "how far back, e.g. 24h or 7d", "7d")
  .option("--json", "print JSON")
  .addOption(demoOption)
  .action(async (options: { since: string; json?: boolean; demo?: boolean }) => {
    const { auditCommand } = await import("./adapters/cli/status.js");
    const { openStore } = await import("./runtime.js");
    const { config, log } = setup();
    if (!options.demo) await requireBotDatabase(config, "audit log");
    const store = await openStore(config, { demo: Boolean(options.demo), log });
    try {
      await auditCommand(store, options);
    } finally {
      await store.close();
    }
  });

program
  .command("unanswered")
  .description("questions the bot could not answer, grouped by the section each came closest to: wordings to add to your runbooks' examples")
  .option("--since <period>", "how far back, e.g. 7d", "30d")
  .option("--json", "print JSON")
  .action(async (options: { since: string; json?: boolean }) => {
    const { unansweredCommand } = await import("./adapters/cli/unanswered.js");
    const { openKnowledge } = await import("./core/kb/open-knowledge.js");
    const { openStore } = await import("./runtime.js");
    const { config, log } = setup();
    await requireBotDatabase(config, "database");
    const answers = openKnowledge(config.kbDir, log);
    const store = await openStore(config, { demo: false, log });
    try {
      await unansweredCommand(store, answers, options);
    } finally {
      await store.close();
    }
  });

program
  .command("doctor")
  .description("check config, policy, knowledge base and the Railway token; exits non-zero when something is wrong")
  .argument("[path]", "a project directory to lint as well (railway.toml, requirements.txt, ...)")
  .option("--json", "print JSON")
  .option("--lint-only", "only lint the project directory: no configuration, token or network (for CI); exits 3 when it finds something")
  .addOption(demoOption)
  .action(async (dir: string | undefined, options: { json?: boolean; demo?: boolean; lintOnly?: boolean }) => {
    const { runDoctor, formatDoctor, doctorFailed } = await import("./adapters/cli/doctor.js");
    if (options.lintOnly) {
      const { lintOnly } = await import("./adapters/cli/doctor.js");
      if (!dir) throw new CliError("doctor --lint-only needs the project directory to lint, e.g. railcache doctor --lint-only .", 2);
      const result = lintOnly(dir);
      process.stdout.write(options.json ? `${JSON.stringify({ findings: result.findings }, null, 2)}\n` : `${result.text}\n`);
      if (result.failed) process.exitCode = 3;
      return;
    }
    const log = createLogger({ level: "silent" });
    const report = await runDoctor(process.env, { demo: Boolean(options.demo), log, ...(dir ? { projectDir: dir } : {}) });
    if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else process.stdout.write(`${formatDoctor(report, dir)}\n`);
    if (doctorFailed(report)) throw new CliError("", 1);
  });

program
  .command("start")
  .description("run the bot: Slack and/or Discord when configured; without chat tokens, the console chat at a terminal, else headless (HTTP, health, metrics)")
  .option("--headless", "no console chat even at a terminal: serve HTTP (health, metrics, webhooks) without chat tokens")
  .action(async (options: { headless?: boolean }) => {
    const { runServer } = await import("./server.js");
    await runServer(process.env, { headless: Boolean(options.headless) });
    // Everything is drained and closed by now; idle sockets and timers must not keep us alive.
    process.exit(process.exitCode ?? 0);
  });

program
  .command("chat")
  .description("a console chat with the bot (the demo project unless a Railway token is set)")
  .addOption(demoOption)
  .action(async (options: { demo?: boolean }) => {
    const { runConsole } = await import("./server.js");
    const { config } = setup();
    await runConsole(config, { demo: Boolean(options.demo) || !config.railway });
  });

const manifest = program.command("manifest").description("print what a chat platform needs to install railcache");
manifest
  .command("slack")
  .description('the Slack app manifest, ready for "Create app from manifest"')
  .option("--url <https://host>", "public base URL for HTTP mode (events, commands, interactivity)")
  .option("--socket", "Socket Mode instead of public URLs")
  .option("--json", "the manifest as JSON (Slack accepts JSON or YAML)")
  .action(async (options: { url?: string; socket?: boolean; json?: boolean }) => {
    const { buildManifest, renderManifest } = await import("./adapters/slack/manifest.js");
    if (!options.socket && !options.url) throw new CliError("Give --url https://your-host (HTTP mode) or --socket (Socket Mode).", 2);
    const manifestOptions = { ...(options.url ? { url: options.url } : {}), socket: Boolean(options.socket) };
    process.stdout.write(options.json ? `${JSON.stringify(buildManifest(manifestOptions), null, 2)}\n` : renderManifest(manifestOptions));
  });
manifest
  .command("discord")
  .description("the invite URL (scopes and permissions) and the slash-command JSON")
  .option("--app-id <id>", "the application id (default DISCORD_APPLICATION_ID)")
  .option("--json", 'print {"inviteUrl","commands"}')
  .action(async (options: { appId?: string; json?: boolean }) => {
    const { inviteUrl } = await import("./adapters/discord/invite.js");
    const { buildDiscordCommands, discordCommandsManifest } = await import("./adapters/discord/commands.js");
    const id = options.appId ?? process.env.DISCORD_APPLICATION_ID;
    if (!id || !/^\d{17,20}$/.test(id)) throw new CliError("Give --app-id <numeric application id> or set DISCORD_APPLICATION_ID.", 2);
    if (options.json) return printJson({ inviteUrl: inviteUrl(id), commands: buildDiscordCommands() });
    process.stdout.write(`Invite URL:\n${inviteUrl(id)}\n\nCommands (registered by railcache register-commands):\n${discordCommandsManifest()}\n`);
  });

program
  .command("register-commands")
  .description("register the /railcache slash command with Discord (idempotent bulk overwrite)")
  .option("--guild <id>", "register in one server (instant) instead of globally")
  .option("--json", 'print {"registered","scope","guildId"}')
  .action(async (options: { guild?: string; json?: boolean }) => {
    const { registerDiscordCommands } = await import("./server.js");
    const { config } = setup();
    if (!config.discord) throw new CliError("Set DISCORD_TOKEN and DISCORD_APPLICATION_ID first.", 2);
    const guildId = options.guild ?? config.discord.guildId;
    const said = await registerDiscordCommands(config.discord, guildId);
    if (options.json) printJson({ registered: said.commands, scope: guildId ? "guild" : "global", guildId: guildId ?? null });
    else process.stdout.write(`${said.message}\n`);
  });

program
  .command("config")
  .description("configuration tools")
  .command("check")
  .description("validate the environment and the policy (railcache.toml or RAILCACHE_POLICY) the way the running bot does, listing every problem at once")
  .option("--probe", "also try what start-up needs: the database, the port, the Slack and Discord tokens, the Railway token")
  .option("--json", "print the report as JSON")
  .action(async (options: { probe?: boolean; json?: boolean }) => {
    const { checkConfiguration, configCheckExitCode, formatConfigReport } = await import("./adapters/cli/config-check.js");
    const report = await checkConfiguration(process.env, { probe: Boolean(options.probe) });
    if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      const { stdout, stderr } = formatConfigReport(report);
      process.stdout.write(stdout);
      process.stderr.write(stderr);
    }
    const code = configCheckExitCode(report);
    if (code !== 0) throw new CliError("", code as 1 | 2);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCodeFor(error);
}

/**
 * Prints a failure as core's one user message (toUserReply) and returns the documented exit code;
 * a stack trace only for true bugs. Database passwords never reach the terminal.
 */
function exitCodeFor(error: unknown): number {
  const stderr = { write: (text: string) => process.stderr.write(redactConnectionSecrets(text)) };
  // commander has printed its own line already ("error: unknown option '--x'"); help and --version are not failures.
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  const code = exitCodeOf(error);
  if (code === 70) {
    stderr.write(
      `railcache: unexpected error (a bug in railcache; please report it with this trace): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  } else {
    const { body } = toUserReply(error);
    if (body) stderr.write(`railcache: ${body}\n`);
  }
  return code;
}
