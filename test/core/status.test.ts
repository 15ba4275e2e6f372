import { renderEmbed } from "../../src/adapters/discord/render.js";
import { renderBlocks } from "../../src/adapters/slack/render.js";
import { afterEach, describe, expect, it } from "vitest";
import { commitTitle, findServiceInstance, statusJson, projectStatusReply } from "../../src/core/status.js";
import { RailwayClient } from "../../src/railway/client.js";
import { DEMO_ACCOUNT_TOKEN, DEMO_PROJECT_ID, startSimulator, type Simulator } from "../../src/railway/simulator/index.js";
import type { Deployment, ProjectStatus } from "../../src/core/ports/railway.js";

const now = Date.parse("2026-11-25T12:00:00Z");
const minutesAgo = (m: number) => new Date(now - m * 60_000).toISOString();

function deployment(id: string, overrides: Partial<Deployment>): Deployment {
  return { id, status: "SUCCESS", createdAt: minutesAgo(5), projectId: "p1", serviceId: "s-web", environmentId: "e-prod", ...overrides };
}

const status: ProjectStatus = {
  projectId: "p1",
  projectName: "demo-shop",
  environments: [
    { id: "e-prod", name: "production" },
    { id: "e-stg", name: "staging" },
  ],
  instances: [
    {
      serviceId: "s-web",
      serviceName: "web",
      environmentId: "e-prod",
      environmentName: "production",
      railwayConfigFile: "railway.toml",
      latestDeployment: deployment("d1", {
        status: "CRASHED",
        commitHash: "c41b7e90d2f3a5c8e1b4d7f0a3c6e9b2d5f8a1c4",
        commitMessage: "Rename Order.user to Order.customer\n\nAdds migration 0031.",
        commitAuthor: "Priya Raman",
      }),
    },
    {
      serviceId: "s-web",
      serviceName: "web",
      environmentId: "e-stg",
      environmentName: "staging",
      railwayConfigFile: null,
      latestDeployment: deployment("d2", {
        environmentId: "e-stg",
        createdAt: minutesAgo(180),
        commitMessage: "Ping <!here> about the release",
        commitAuthor: "Marco",
      }),
    },
    {
      serviceId: "s-worker",
      serviceName: "Worker",
      environmentId: "e-prod",
      environmentName: "production",
      railwayConfigFile: null,
      latestDeployment: null,
    },
  ],
};

describe("findServiceInstance", () => {
  it("matches a service name case-insensitively", () => {
    const resolved = findServiceInstance(status, "WORKER");
    expect(resolved.kind === "found" && resolved.instance.serviceName).toBe("Worker");
  });

  it("suggests the closest name for a typo", () => {
    expect(findServiceInstance(status, "wbe")).toEqual({ kind: "unknown", name: "wbe", suggestions: ["web"] });
    expect(findServiceInstance(status, "wroker")).toEqual({ kind: "unknown", name: "wroker", suggestions: ["Worker"] });
  });

  it("offers no suggestion for a name far from every service", () => {
    expect(findServiceInstance(status, "postgres")).toEqual({ kind: "unknown", name: "postgres", suggestions: [] });
  });

  it("asks which environment when a service runs in several and no default is set", () => {
    expect(findServiceInstance(status, "web")).toEqual({ kind: "ambiguous", serviceName: "web", environments: ["production", "staging"] });
  });

  it("uses the default environment for a service in several environments", () => {
    const resolved = findServiceInstance(status, "web", undefined, "Staging");
    expect(resolved.kind === "found" && resolved.instance.environmentName).toBe("staging");
  });

  it("prefers an explicit environment over the default", () => {
    const resolved = findServiceInstance(status, "web", "PRODUCTION", "staging");
    expect(resolved.kind === "found" && resolved.instance.latestDeployment?.id).toBe("d1");
  });

  it("reports an unknown environment with suggestions", () => {
    expect(findServiceInstance(status, "web", "prod")).toMatchObject({ kind: "unknown_environment", suggestions: ["production"] });
  });

  it("says when a service does not run in the environment asked for", () => {
    expect(findServiceInstance(status, "worker", "staging")).toEqual({
      kind: "not_in_environment",
      serviceName: "Worker",
      environment: "staging",
      environments: ["production"],
    });
  });
});

describe("projectStatusReply", () => {
  it("shows one field per service per environment with status, age, commit, author and a dashboard link", () => {
    const reply = projectStatusReply(status, {}, now);
    expect(reply.fields?.map((f) => f.name)).toEqual(["web · production", "web · staging", "Worker · production"]);
    const web = reply.fields?.[0]?.value ?? "";
    expect(web).toContain("CRASHED · 5 min ago");
    expect(web).toContain("“Rename Order.user to Order.customer” by Priya Raman (`c41b7e9`)");
    expect(web).toContain("(https://railway.com/project/p1/service/s-web?environmentId=e-prod&id=d1)");
    expect(reply.fields?.[1]?.value).toContain("3 h ago");
    expect(reply.fields?.[2]?.value).toContain("No deployments yet");
    expect(reply.fields?.[2]?.value).toContain("(https://railway.com/project/p1/service/s-worker?environmentId=e-prod)");
  });

  it("marks the reply as an error and names what is failing", () => {
    const reply = projectStatusReply(status, {}, now);
    expect(reply.tone).toBe("error");
    expect(reply.body).toContain("1 failing (web/production)");
  });

  it("warns about a service still configured from railway.toml", () => {
    const body = projectStatusReply(status, {}, now).body;
    expect(body).toContain("still reads `railway.toml`");
    expect(body).toContain("/railcache setup");
    expect(body).not.toMatch(/\bstops?\b/);
  });

  it("keeps a commit message as written; rendered for Slack or Discord its mentions are inert", () => {
    const reply = projectStatusReply(status, { service: "web", env: "staging" }, now);
    expect(reply.fields?.[0]?.value).toContain("<!here>");
    for (const rendered of [JSON.stringify(renderBlocks(reply)), JSON.stringify(renderEmbed(reply))]) {
      expect(rendered).not.toContain("<!here>");
      expect(rendered).toContain("@\u200bhere");
    }
  });

  it("filters to one environment", () => {
    const reply = projectStatusReply(status, { env: "Production" }, now);
    expect(reply.title).toBe("demo-shop: production");
    expect(reply.fields?.map((f) => f.name)).toEqual(["web · production", "Worker · production"]);
  });

  it("answers a typo with did-you-mean instead of a status", () => {
    const reply = projectStatusReply(status, { service: "wbe" }, now);
    expect(reply.title).toBe("Unknown service");
    expect(reply.body).toBe("There is no service called `wbe`. Did you mean `web`?");
    expect(reply.fields).toBeUndefined();
  });

  it("shows a service in every environment it runs in when none is named, counting services and environments apart", () => {
    const reply = projectStatusReply(status, { service: "web", defaultEnv: "production" }, now);
    expect(reply.title).toBe("demo-shop: web");
    expect(reply.fields?.map((f) => f.name)).toEqual(["web · production", "web · staging"]);
    expect(reply.body).toMatch(/^1 service in 2 environments, 1 failing/);
    expect(projectStatusReply(status, {}, now).body).toMatch(/^2 services in 2 environments/);
    expect(projectStatusReply(status, { env: "production" }, now).body).toMatch(/^2 services in production/);
  });
});

describe("statusJson", () => {
  it("lists every instance with machine-readable fields", () => {
    const json = statusJson(status, {}, now);
    expect(json.ok).toBe(true);
    if (!json.ok) return;
    expect(json.project).toEqual({ id: "p1", name: "demo-shop" });
    expect(json.services[0]).toMatchObject({
      service: "web",
      environment: "production",
      status: "CRASHED",
      deploymentId: "d1",
      age: "5 min ago",
      commitAuthor: "Priya Raman",
      railwayConfigFile: "railway.toml",
      url: "https://railway.com/project/p1/service/s-web?environmentId=e-prod&id=d1",
    });
    expect(json.services[2]).toMatchObject({ service: "Worker", status: null, deploymentId: null });
  });

  it("reports an unknown service as an error with suggestions", () => {
    expect(statusJson(status, { service: "wrker" }, now)).toMatchObject({ ok: false, error: "unknown", suggestions: ["Worker"] });
  });
});

describe("text helpers", () => {
  it("keeps the first line of a commit message and truncates long ones", () => {
    expect(commitTitle("Fix checkout\n\nLong body")).toBe("Fix checkout");
    const long = commitTitle("x".repeat(100), 20);
    expect(long).toHaveLength(20);
    expect(long.endsWith("…")).toBe(true);
  });
});

describe("status from the simulator", () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
  });

  it("renders the demo project's status from one Railway request", async () => {
    sim = await startSimulator();
    const client = new RailwayClient({ endpoint: sim.url, token: DEMO_ACCOUNT_TOKEN, tokenKind: "account", clock: sim.clock });
    sim.scenario.staleCache("web", "production");
    sim.advance(10 * 60_000);
    const reply = projectStatusReply(await client.projectStatus(DEMO_PROJECT_ID), {}, sim.clock.now());
    expect(sim.requests).toHaveLength(1);
    expect(reply.fields).toHaveLength(4);
    expect(reply.tone).toBe("error");
    expect(reply.fields?.find((f) => f.name === "web · production")?.value).toMatch(/CRASHED · 10 min ago/);
  });
});
