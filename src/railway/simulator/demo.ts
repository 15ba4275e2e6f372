/**
 * The demo project "demo-shop" (web and worker, on production and staging) used by
 * `railcache --demo`, the console chat and tests. Ids and tokens are fixed so docs and tests
 * can name them; the tokens only work against the simulator.
 */
import type { TokenGrant } from "./resolvers.js";
import { World, type SimCommit } from "./world.js";

export const DEMO_PROJECT_ID = "5d1f6a2e-8c3b-4e7a-9f10-3a6b2c4d5e01";
export const DEMO_PRODUCTION_ENVIRONMENT_ID = "7b2e4c6a-1d3f-4a5b-8c9d-0e1f2a3b4c02";
export const DEMO_STAGING_ENVIRONMENT_ID = "9c3d5e7f-2a4b-4c6d-8e0f-1a2b3c4d5e03";
export const DEMO_WEB_SERVICE_ID = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c04";
export const DEMO_WORKER_SERVICE_ID = "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d05";

/** The demo database's password: tests check it never reaches a reply or a log. */
export const DEMO_DATABASE_PASSWORD = "demo-pg-pass-7Kq2Zr81";

/** Account token of the demo user (sent as `Authorization: Bearer`). */
export const DEMO_ACCOUNT_TOKEN = "demo-account-token-0000-railcache";
/** Project token for demo-shop production (sent as `Project-Access-Token`). */
export const DEMO_PROJECT_TOKEN = "demo-project-token-production-railcache";
/** Project token for demo-shop staging. */
export const DEMO_STAGING_PROJECT_TOKEN = "demo-project-token-staging-railcache";
/** An account token that sees no project at all (for "the token may not cover project X"). */
export const DEMO_OUTSIDER_TOKEN = "demo-outsider-token-railcache";

export function demoTokens(): TokenGrant[] {
  return [
    { kind: "account", token: DEMO_ACCOUNT_TOKEN, name: "Demo User", email: "demo@railcache.dev" },
    { kind: "account", token: DEMO_OUTSIDER_TOKEN, name: "Outsider", email: "outsider@example.com", projectIds: [] },
    { kind: "project", token: DEMO_PROJECT_TOKEN, projectId: DEMO_PROJECT_ID, environmentId: DEMO_PRODUCTION_ENVIRONMENT_ID, name: "railcache-production" },
    { kind: "project", token: DEMO_STAGING_PROJECT_TOKEN, projectId: DEMO_PROJECT_ID, environmentId: DEMO_STAGING_ENVIRONMENT_ID, name: "railcache-staging" },
  ];
}

const webCommits: SimCommit[] = [
  { hash: "3f9a1c27e4b8d05f6a2c9e18b7d4f3a0c5e6b1d2", message: "Add order export to CSV", author: "Priya Raman", branch: "main" },
  {
    hash: "8e2d4b6f1a3c5e7d9b0f2a4c6e8d1b3f5a7c9e0b",
    message: "Bump Django to 5.1.4\n\nSecurity release; no migrations.",
    author: "Marco Bellini",
    branch: "main",
  },
  {
    hash: "c41b7e90d2f3a5c8e1b4d7f0a3c6e9b2d5f8a1c4",
    message: "Rename Order.user to Order.customer\n\nAdds migration 0031_order_customer and updates the admin.",
    author: "Priya Raman",
    branch: "main",
  },
];

const workerCommits: SimCommit[] = [
  { hash: "5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c", message: "Retry failed invoice emails with backoff", author: "Jonas Weber", branch: "main" },
  { hash: "d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0", message: "Send weekly sales digest on Mondays", author: "Marco Bellini", branch: "main" },
];

/**
 * demo-shop with a settled history: each service deployed successfully in both environments,
 * web still configured from railway.toml (the config-as-code cutoff is near).
 */
export function demoWorld(options: { now?: number } = {}): World {
  const now = options.now ?? Date.now();
  // Start two hours back and let the history play out up to `now`.
  const world = new World({ now: now - 2 * 60 * 60 * 1000 });
  const project = world.addProject("demo-shop", { id: DEMO_PROJECT_ID });
  world.addEnvironment(project.id, "production", { id: DEMO_PRODUCTION_ENVIRONMENT_ID });
  world.addEnvironment(project.id, "staging", { id: DEMO_STAGING_ENVIRONMENT_ID });
  const web = world.addService(project.id, "web", {
    id: DEMO_WEB_SERVICE_ID,
    repo: "demo-shop/web",
    commits: webCommits.slice(0, 2),
    instance: {
      railwayConfigFile: "railway.toml",
      startCommand: "python manage.py migrate && gunicorn shop.wsgi --bind 0.0.0.0:$PORT",
      builder: "NIXPACKS",
    },
  });
  const worker = world.addService(project.id, "worker", {
    id: DEMO_WORKER_SERVICE_ID,
    repo: "demo-shop/web",
    commits: workerCommits.slice(0, 1),
    instance: { startCommand: "celery -A shop worker --loglevel=info", preDeployCommand: null },
  });

  const envs = [DEMO_PRODUCTION_ENVIRONMENT_ID, DEMO_STAGING_ENVIRONMENT_ID];
  for (const env of envs) world.vars(web.id, env).set("DJANGO_SETTINGS_MODULE", "shop.settings");
  // The database, as Railway's reference renders it: railcache shows the host, never the password.
  for (const env of envs) world.vars(web.id, env).set("DATABASE_URL", `postgresql://postgres:${DEMO_DATABASE_PASSWORD}@postgres.railway.internal:5432/railway`);
  for (const env of envs) world.vars(worker.id, env).set("CELERY_BROKER_URL", "redis://redis.railway.internal:6379/0");

  for (const env of envs) world.deploy(web.id, env);
  for (const env of envs) world.deploy(worker.id, env);
  world.advance(40 * 60 * 1000);

  world.addCommit(web.id, webCommits[2]!);
  world.addCommit(worker.id, workerCommits[1]!);
  world.deploy(web.id, DEMO_STAGING_ENVIRONMENT_ID);
  world.advance(20 * 60 * 1000);
  world.deploy(web.id, DEMO_PRODUCTION_ENVIRONMENT_ID);
  world.deploy(worker.id, DEMO_STAGING_ENVIRONMENT_ID);
  world.advance(25 * 60 * 1000);
  world.deploy(worker.id, DEMO_PRODUCTION_ENVIRONMENT_ID);
  world.advance(now - world.now);
  return world;
}
