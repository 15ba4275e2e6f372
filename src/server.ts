/**
 * Wiring for the long-running bot: config -> store -> railway -> core -> adapters -> http.
 * With no chat tokens it opens the console chat instead, so `npm start` always does something.
 */
import type { DiscordConfig, Config } from "./config.js";
import { ConfigError, loadConfig, secretsOf } from "./config.js";
import { createRuntime, forgetDemoStore, type Runtime } from "./runtime.js";
import { ConsolePrinter, runConsoleChat } from "./adapters/console/chat.js";
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import path from "node:path";
import { createLogger, silentLogger } from "./log.js";
import { resolveInstanceId } from "./instance-id.js";
import type { RequestListener } from "node:http";
import { eventsPath } from "./adapters/slack/manifest.js";
import type { WatcherRouting } from "./core/watcher/index.js";
import { createHttpServer, type Route } from "./http/server.js";
import { createWebhookHandler, WEBHOOK_PATH_PREFIX } from "./http/webhooks.js";
import { createMetrics } from "./metrics.js";
import { isOpenPolicy, OPEN_POLICY_WARNING } from "./core/policy/index.js";
import { LeaderElector } from "./store/index.js";
import { KnownFailure } from "./core/errors.js";

const connectHelp = [
  "To put railcache in your team chat:",
  "  Slack:   railcache manifest slack --socket  (create the app from it), then set SLACK_BOT_TOKEN and SLACK_APP_TOKEN",
  "  Discord: railcache manifest discord --app-id <id>  (invite it), then set DISCORD_TOKEN and DISCORD_APPLICATION_ID",
  "  Railway: set RAILWAY_TOKEN (project token), or RAILWAY_API_TOKEN with RAILWAY_PROJECT_ID",
  "The README has the details.",
].join("\n");

/** The console chat over the same core the chat platforms use. */
export async function runConsole(config: Config, options: { demo: boolean }): Promise<void> {
  // Logs would interleave with the chat: they go to a file, named once in the intro.
  const logFile = openLogFile(path.join(path.dirname(config.sqlitePath), "console.log"));
  const log = logFile ? createLogger({ level: config.logLevel, destination: logFile.stream, secrets: secretsOf(config) }) : silentLogger();
  if (options.demo) forgetDemoStore(config);
  // The demo also shows the warnings: they are posted into the chat, as to a team channel, and
  // polled often, so the first one arrives within seconds.
  const runtime = await createRuntime({
    config,
    log,
    demo: options.demo,
    requireRailway: false,
    ...(options.demo ? { watch: { routing: { default: { platform: "console", channelId: "console" } }, pollIntervalMs: 5_000 } } : {}),
  });
  const colour = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  // Edits redraw in place only where both ends are a terminal; a pipe gets one line per step.
  const printer = new ConsolePrinter(process.stdout, colour, { live: Boolean(process.stdout.isTTY && process.stdin.isTTY) });
  runtime.messengers.register("console", printer);
  await runtime.workflows?.recover();
  // Something to find and fix: web in staging is about to crash with a stale build cache.
  runtime.railway?.simulator?.scenario.staleCache("web", "staging");
  const watching = new AbortController();
  void runtime.watcher?.run(watching.signal);
  const where = runtime.railway?.demo
    ? "You are connected to a simulated Railway project, demo-shop (services web and worker; production and staging). A deploy of web in staging is about to crash with a stale build cache: watch for the warning, or ask /railcache status. /railcache setup shows each service's real settings (builder, commands, config file, databases)."
    : runtime.railway
      ? "You are connected to your Railway project."
      : "Railway is not connected: questions work; status and commands need a token.";
  const intro = [
    "railcache console chat. Ask about a stale build cache, paste a traceback, or type /railcache help.",
    where,
    "Type a number to press that button (or confirm / cancel for a prompt); quit or Ctrl-D to leave.",
    logFile ? `Logs: ${logFile.path}` : "Logs: off (the log file could not be opened).",
    "",
    connectHelp,
  ].join("\n");
  try {
    await runConsoleChat({ bot: runtime.bot, input: process.stdin, output: process.stdout, colour, intro }, printer);
  } finally {
    watching.abort();
    await runtime.close();
    await new Promise<void>((resolve) => (logFile ? logFile.stream.end(resolve) : resolve()));
  }
}

/** A fresh log file for one console session, or undefined where it cannot be written (the chat works anyway). */
function openLogFile(file: string): { path: string; stream: WriteStream } | undefined {
  const absolute = path.resolve(file);
  try {
    mkdirSync(path.dirname(absolute), { recursive: true });
    const stream = createWriteStream(absolute, { flags: "w" });
    stream.on("error", () => undefined);
    return { path: absolute, stream };
  } catch {
    return undefined;
  }
}

/** Where proactive warnings go: the Slack channel if set, else the Discord one; none: no watcher. */
function warningRouting(config: Config): WatcherRouting | undefined {
  if (config.slack?.warnChannel) return { default: { platform: "slack", channelId: config.slack.warnChannel } };
  if (config.discord?.warnChannel) return { default: { platform: "discord", channelId: config.discord.warnChannel } };
  return undefined;
}

/** `railcache start` / `npm start`. */
export async function runServer(env: Record<string, string | undefined>, options: { headless?: boolean } = {}): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  const headless = !config.slack && !config.discord;
  // No chat tokens at a terminal: the console chat. No terminal (a container, Railway before its
  // secrets are set): the server anyway, so /healthz answers and the deploy does not look dead.
  if (headless && process.stdin.isTTY && !options.headless) {
    await runConsole(config, { demo: !config.railway });
    return;
  }
  const log = createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  if (headless) {
    log.warn(
      { event: "start.headless", port: config.port },
      `headless: no SLACK_BOT_TOKEN or DISCORD_TOKEN and no terminal, so no chat; serving HTTP on ${config.host}:${config.port} (/healthz, /readyz, /metrics${config.webhookSecret ? ", webhooks" : ""}). Set the chat tokens and restart to connect Slack or Discord`,
    );
  }
  // A promise some library forgot to handle must not end the bot (Node's default exits 1): one
  // request fails, the rest go on, and a clear in progress still gets its NO_CACHE restored.
  process.on("unhandledRejection", (reason) => {
    log.error({ event: "process.unhandled_rejection", err: reason instanceof Error ? reason.message : String(reason) }, "a request failed outside any handler");
  });
  const metrics = createMetrics();
  const routing = warningRouting(config);
  // Stable across restarts: a restarted bot takes its own running clears back at once.
  const instanceId = resolveInstanceId(config);
  const runtime = await createRuntime({
    config,
    log,
    demo: false,
    requireRailway: false,
    metrics,
    instanceId,
    ...(routing ? { watch: { routing } } : {}),
  });
  if (isOpenPolicy(runtime.policy))
    log.warn({ event: "policy.open" }, `${OPEN_POLICY_WARNING}. Commit a railcache.toml or set RAILCACHE_POLICY (see the README).`);
  else log.info({ event: "policy.loaded", source: runtime.policy.source, rules: runtime.policy.allow.length }, `policy from ${runtime.policy.source}`);
  if (!runtime.railway) log.warn({ event: "railway.missing" }, "No Railway token: questions work; status, clear, redeploy and warnings are off");
  if (!routing) log.info({ event: "watcher.off" }, "No SLACK_WARN_CHANNEL or DISCORD_WARN_CHANNEL: proactive warnings are off");
  // A [[watcher.route]] to a platform that is not connected would fail on every card it matches.
  for (const route of runtime.watcher ? (runtime.policy.watcher?.routes ?? []) : []) {
    if (!config[route.target.platform as "slack" | "discord"]) {
      log.warn(
        { event: "watcher.route_unconnected", service: route.service, environment: route.environment, platform: route.target.platform },
        `a [[watcher.route]] in ${runtime.policy.source} posts to ${route.target.platform}, which is not connected`,
      );
    }
  }

  const ready: Record<string, boolean> = {};
  const routes: Route[] = [];
  const stops: (() => Promise<void>)[] = [];
  const http = createHttpServer({
    metrics,
    log,
    routes,
    readiness: async () => {
      const checks = {
        ...ready,
        store: await runtime.store.kvGet("readyz").then(
          () => true,
          () => false,
        ),
      };
      return { ready: Object.values(checks).every(Boolean), checks };
    },
  });
  try {
    // Listen first: the platform's health check must pass while Slack and Discord connect.
    const port = await http.listen(config.port, config.host).catch((error: unknown) => {
      throw listenFailure(error, config.host, config.port);
    });
    log.info({ event: "http.listening", port }, `listening on ${config.host}:${port} (/healthz, /readyz, /metrics)`);
    if (config.slack) {
      ready.slack = false;
      const slack = await startSlack(config, runtime);
      if (slack.requestListener) routes.push({ method: "POST", prefix: eventsPath, handler: slack.requestListener });
      stops.push(slack.stop);
      ready.slack = true;
    }
    if (config.discord) {
      ready.discord = false;
      stops.push(await startDiscord(config.discord, runtime));
      ready.discord = true;
    }
    if (runtime.watcher && config.webhookSecret) {
      const signing = config.webhookSigningSecret ? { signingSecret: config.webhookSigningSecret } : {};
      const onRejected = (reason: string) => metrics.webhooksRejected.inc({ reason });
      routes.push({
        method: "POST",
        prefix: WEBHOOK_PATH_PREFIX,
        handler: createWebhookHandler({ secret: config.webhookSecret, watcher: runtime.watcher, log, ...signing, onRejected }),
      });
    }
    const recovered = await runtime.workflows?.recover();
    if (recovered && (recovered.resumed.length || recovered.expired.length))
      log.info({ event: "workflow.recovered", ...recovered }, "recovered unfinished workflows");
  } catch (error) {
    await Promise.allSettled([...stops.map((stop) => stop()), http.close(1_000)]);
    await runtime.close();
    throw error;
  }

  const stopWatching = watchWhileLeader(runtime, instanceId);
  // `kill -HUP <pid>`: re-read railcache.toml without dropping a connection or a running clear.
  const onHangup = () => void reloadPolicy(runtime);
  process.on("SIGHUP", onHangup);
  // Prompts expire on their own schedule, not only when someone clicks; spent claims (event
  // deliveries, warning locks) are dropped so the table stays small.
  const housekeeping = setInterval(() => {
    // Every replica adopts workflows whose driver is gone (lease lapsed): a crash elsewhere never strands a clear.
    void runtime.workflows
      ?.housekeep()
      .then((result) => {
        if (result.resumed.length) log.info({ event: "workflow.adopted", ...result }, "took over unfinished workflows");
      })
      .catch((error: unknown) => log.warn({ event: "workflow.housekeeping_failed", err: error }, "could not expire prompts or adopt workflows"));
    void runtime.store.pruneClaims().catch((error: unknown) => log.warn({ event: "store.prune_failed", err: error }, "could not prune expired claims"));
    const remaining = runtime.railway?.api.rateBudget().remaining;
    if (remaining !== null && remaining !== undefined) metrics.railwayRateRemaining.set(remaining);
  }, 30_000);

  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      log.info({ event: "shutdown", signal }, "draining in-flight work");
      clearInterval(housekeeping);
      process.off("SIGHUP", onHangup);
      void (async () => {
        // /readyz turns 503 at once while chat connections finish what they are doing.
        await Promise.allSettled([stopWatching(), ...stops.map((stop) => stop()), http.close()]);
        await runtime.close();
        log.info({ event: "shutdown.done" }, "stopped");
        resolve();
      })();
    };
    process.once("SIGTERM", () => shutdown("SIGTERM"));
    process.once("SIGINT", () => shutdown("SIGINT"));
  });
}

/** SIGHUP: the policy file again; a broken file is refused with its problems and the policy in force stays. */
export async function reloadPolicy(runtime: Runtime): Promise<void> {
  const { log } = runtime;
  try {
    const result = await runtime.reloadPolicy();
    if (result.outcome === "fixed") {
      log.warn(
        { event: "policy.reload_fixed" },
        "SIGHUP: the policy comes from RAILCACHE_POLICY, which cannot change while railcache runs; redeploy to change it",
      );
    } else if (result.outcome === "rejected") {
      log.error(
        { event: "policy.reload_rejected", source: result.source, problems: result.problems },
        `SIGHUP: ${result.source} is not valid; the policy in force stays:\n${result.problems.join("\n")}`,
      );
    } else {
      log.info({ event: "policy.reloaded", source: result.source, rules: result.rules }, `SIGHUP: policy reloaded from ${result.source}`);
      if (result.watcherChanged) log.warn({ event: "policy.reload_watcher" }, "the [watcher] section changed: restart railcache for the watcher to use it");
      if (isOpenPolicy(runtime.policy)) log.warn({ event: "policy.open" }, OPEN_POLICY_WARNING);
    }
  } catch (error) {
    log.error({ event: "policy.reload_failed", err: error instanceof Error ? error.message : String(error) }, "SIGHUP: could not reload the policy");
  }
}

/**
 * Several replicas may run on one database: only the holder of the watcher lease polls and
 * posts warnings. Returns a function that stops watching and hands the lease back.
 */
function watchWhileLeader(runtime: Runtime, instanceId: string): () => Promise<void> {
  const watcher = runtime.watcher;
  if (!watcher) return async () => {};
  const elector = new LeaderElector({ store: runtime.store, name: "watcher", holder: instanceId, ttlMs: 30_000, log: runtime.log });
  let running: AbortController | undefined;
  elector.onChange((leader) => {
    runtime.log.info({ event: "watcher.leader", leader, instanceId }, leader ? "this replica watches deploys" : "another replica watches deploys");
    running?.abort();
    running = undefined;
    if (leader) {
      running = new AbortController();
      void watcher.run(running.signal);
    }
  });
  elector.start();
  return async () => {
    running?.abort();
    await elector.stop();
  };
}

async function startSlack(config: Config, runtime: Runtime): Promise<{ stop: () => Promise<void>; requestListener: RequestListener | undefined }> {
  const { createSlackApp } = await import("./adapters/slack/app.js");
  const slack = config.slack as NonNullable<Config["slack"]>;
  const app = createSlackApp({
    config: {
      mode: slack.mode,
      botToken: slack.botToken,
      ...(slack.signingSecret ? { signingSecret: slack.signingSecret } : {}),
      ...(slack.appToken ? { appToken: slack.appToken } : {}),
      ...(slack.apiUrl ? { apiUrl: slack.apiUrl } : {}),
      // HTTP mode shares the one port with /healthz, /metrics and the webhooks.
      mounted: true,
    },
    bot: runtime.bot,
    log: runtime.log,
  });
  runtime.messengers.register("slack", app.messenger);
  await app.start();
  return { stop: () => app.stop(), requestListener: app.requestListener };
}

async function startDiscord(discord: DiscordConfig, runtime: Runtime): Promise<() => Promise<void>> {
  const { createDiscordApp } = await import("./adapters/discord/app.js");
  const bot = createDiscordApp({
    token: discord.token,
    applicationId: discord.applicationId,
    messageContent: discord.messageContent,
    ...(discord.apiUrl ? { apiUrl: discord.apiUrl } : {}),
    bot: runtime.bot,
    log: runtime.log,
  });
  runtime.messengers.register("discord", bot.messenger);
  await bot.start();
  runtime.log.info({ event: "discord.started" }, "Discord connected");
  return () => bot.stop();
}

/** `railcache register-commands`: one idempotent bulk overwrite over REST, no gateway connection. */
export async function registerDiscordCommands(discord: DiscordConfig, guildId: string | undefined): Promise<{ message: string; commands: string[] }> {
  const { buildDiscordCommands, registerCommands } = await import("./adapters/discord/commands.js");
  const { discordFailure } = await import("./adapters/discord/app.js");
  try {
    await registerCommands({
      token: discord.token,
      applicationId: discord.applicationId,
      ...(discord.apiUrl ? { apiUrl: discord.apiUrl } : {}),
      ...(guildId ? { guildId } : {}),
    });
  } catch (error) {
    throw discordFailure(error, discord.apiUrl);
  }
  const commands = buildDiscordCommands().map((c) => `/${c.name}`);
  return {
    commands,
    message: guildId
      ? `Registered ${commands.join(", ")} in server ${guildId}; it is there now.`
      : `Registered ${commands.join(", ")} globally; Discord can take up to an hour to show it everywhere.`,
  };
}

/** A port that cannot be listened on, in one sentence. */
function listenFailure(error: unknown, host: string, port: number): KnownFailure {
  const code = String((error as { code?: unknown }).code ?? "");
  const why =
    code === "EADDRINUSE"
      ? "the port is already in use (another railcache, or another server?); set PORT to a free one"
      : code === "EACCES"
        ? "permission denied (ports below 1024 need privileges); set PORT to 1024 or above"
        : code === "EADDRNOTAVAIL"
          ? "this machine has no such address; set HOST (0.0.0.0 listens everywhere)"
          : error instanceof Error
            ? error.message
            : String(error);
  return new KnownFailure(`Cannot listen on ${host}:${port}: ${why}.`, { category: code === "EADDRINUSE" ? "failure" : "configuration", cause: error });
}
