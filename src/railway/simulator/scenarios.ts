/** Scenario helpers: stage the situations railcache exists for, by service and environment name. */
import { randomUUID } from "node:crypto";
import type { SimCommit, SimDeployment, World } from "./world.js";

export interface FailureOptions {
  /** Final status of the failing deployments (default CRASHED). */
  status?: "FAILED" | "CRASHED";
  /** Start a deploy of the current head now (default true); it fails once the clock moves. */
  deploy?: boolean;
}

export interface Scenarios {
  /**
   * Cached builds of this service produce an image that fails with Django's
   * `FieldError: Invalid field name(s) given in select_related: 'customer'` until one build runs
   * with NO_CACHE=1; after that, builds (cached or not) succeed.
   */
  staleCache(serviceName: string, environmentName: string, options?: FailureOptions): SimDeployment | null;
  /**
   * Every build fails, cache or not, until a new commit is pushed: with a SyntaxError, or with
   * a package missing from requirements.txt (`cause: "missing_package"`).
   */
  plainFailure(serviceName: string, environmentName: string, options?: FailureOptions & { cause?: "syntax" | "missing_package" }): SimDeployment | null;
  /** A burst of 5xx responses in the latest deployment's HTTP logs. */
  http5xxBurst(serviceName: string, environmentName: string, options?: { count?: number; status?: number; path?: string }): void;
  /** A git push: a new head commit, deployed to the environment. */
  push(serviceName: string, environmentName: string, commit: Partial<SimCommit> & { message: string }): SimDeployment;
}

export function createScenarios(world: World): Scenarios {
  const deployHead = (serviceId: string, environmentId: string, options: FailureOptions) =>
    options.deploy === false ? null : world.deploy(serviceId, environmentId, { reason: "deploy" });

  return {
    staleCache(serviceName, environmentName, options = {}) {
      const instance = world.instanceByName(serviceName, environmentName);
      instance.staleCache = { status: options.status ?? "CRASHED" };
      return deployHead(instance.serviceId, instance.environmentId, options);
    },
    plainFailure(serviceName, environmentName, options = {}) {
      const instance = world.instanceByName(serviceName, environmentName);
      instance.plainFailure = { status: options.status ?? "CRASHED", kind: options.cause ?? "syntax" };
      return deployHead(instance.serviceId, instance.environmentId, options);
    },
    http5xxBurst(serviceName, environmentName, options = {}) {
      const instance = world.instanceByName(serviceName, environmentName);
      const latest = world.latestDeployment(instance.serviceId, instance.environmentId);
      if (!latest) throw new Error(`simulator: ${serviceName} in ${environmentName} has no deployment`);
      const count = options.count ?? 25;
      const path = options.path ?? "/orders/";
      for (let i = 0; i < count; i += 1) {
        const timestamp = world.now - (count - i) * 1500;
        latest.httpLogs.push({ timestamp, method: "GET", path, httpStatus: options.status ?? 500, totalDuration: 40 + i, requestId: randomUUID() });
        latest.deployLogs.push({ message: `Internal Server Error: ${path}`, timestamp, severity: "error" });
      }
    },
    push(serviceName, environmentName, commit) {
      const instance = world.instanceByName(serviceName, environmentName);
      const head = world.addCommit(instance.serviceId, commit);
      return world.deploy(instance.serviceId, instance.environmentId, { commit: head, reason: "deploy" });
    },
  };
}
