/**
 * Railway Infrastructure as Code for railcache itself: the bot, built from the repository's
 * Dockerfile, and the PostgreSQL database it keeps workflows, warnings and the audit log in.
 *
 * Evaluated by the Railway CLI (5.42.1 or newer), not by our build or image. The SDK it imports
 * is pinned in .railway/package.json, apart from railcache's own dependencies:
 *   npm install --prefix .railway
 *   railway config plan    # what would change; nothing is applied
 *   railway config apply   # asks before applying
 *
 * Secrets are preserve(): this file never holds one. Set them once on the service
 * (dashboard > railcache > Variables, or `railway variables --set NAME=value`); every later
 * apply keeps them. test/ops/railway-ts.test.ts checks this file against the Dockerfile and
 * src/config.ts.
 */
import { defineRailway, postgres, preserve, project, service } from "railway/iac";

export default defineRailway(() => {
  const db = postgres("postgres");

  const bot = service("railcache", {
    build: { builder: "DOCKERFILE", dockerfilePath: "Dockerfile" },
    // Same as the Dockerfile's CMD. Railway injects PORT; the HTTP server listens on it.
    start: "node --optimize-for-size dist/cli.js start",
    // Alive as soon as the HTTP server listens (/readyz also waits for the store and chat).
    healthcheck: "/healthz",
    healthcheckTimeout: 60,
    deploy: {
      restartPolicyType: "ON_FAILURE",
      restartPolicyMaxRetries: 10,
      // SIGTERM drains in-flight workflows and persists their state before exit.
      drainingSeconds: 30,
    },
    env: {
      DATABASE_URL: db.env.DATABASE_URL,
      LOG_LEVEL: "info",
      // Who may clear and redeploy what: the text of a railcache.toml (README, "Permissions").
      // Without it (and without a railcache.toml committed next to the Dockerfile) anyone in the
      // workspace may clear production; the start-up log and `railcache doctor` say so.
      //   railway variables --set "RAILCACHE_POLICY=$(cat railcache.toml)"
      RAILCACHE_POLICY: preserve(),
      // Railway: a project token (Project Settings > Tokens) for the project railcache watches.
      RAILWAY_TOKEN: preserve(),
      // Long random string; Railway's webhook URL is https://<domain>/webhooks/railway/<secret>.
      RAILCACHE_WEBHOOK_SECRET: preserve(),
      // Slack (Socket Mode: bot token + app token; HTTP mode: bot token + signing secret).
      SLACK_BOT_TOKEN: preserve(),
      SLACK_APP_TOKEN: preserve(),
      SLACK_SIGNING_SECRET: preserve(),
      SLACK_WARN_CHANNEL: preserve(),
      // Discord.
      DISCORD_TOKEN: preserve(),
      DISCORD_APPLICATION_ID: preserve(),
      DISCORD_WARN_CHANNEL: preserve(),
    },
  });

  return project("railcache", {
    resources: [db, bot],
  });
});
