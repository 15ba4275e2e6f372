/**
 * Which deployments the watcher looks at, the names it knows them by, where their cards go, and
 * which channel each card goes to.
 */
import type { ChatTarget } from "../ports/chat.js";
import type { ServiceInstanceStatus } from "../ports/railway.js";
import type { InstanceRef } from "./cards.js";

/** Where cards go: the first matching route (service and environment by name or id), else the default. */
export interface WatcherRoute {
  service?: string;
  environment?: string;
  target: ChatTarget;
}

export interface WatcherRouting {
  default: ChatTarget;
  routes?: WatcherRoute[];
}

/** The chat target for cards about `instance`. */
export function routeFor(routing: WatcherRouting, instance: InstanceRef): ChatTarget {
  const is = (want: string | undefined, id: string, name: string) => !want || want === id || want.toLowerCase() === name.toLowerCase();
  const route = routing.routes?.find(
    (r) => is(r.service, instance.serviceId, instance.serviceName) && is(r.environment, instance.environmentId, instance.environmentName),
  );
  return route?.target ?? routing.default;
}

/** The services and environments watched, by name, case-insensitively (all when a list is absent). */
export class WatchScope {
  private readonly services: Set<string> | null;
  private readonly environments: Set<string> | null;

  constructor(services?: string[], environments?: string[]) {
    this.services = services ? new Set(services.map((s) => s.toLowerCase())) : null;
    this.environments = environments ? new Set(environments.map((s) => s.toLowerCase())) : null;
  }

  watches(serviceName: string, environmentName: string): boolean {
    return (!this.services || this.services.has(serviceName.toLowerCase())) && (!this.environments || this.environments.has(environmentName.toLowerCase()));
  }
}

/** Names and config files of every instance as the last poll saw them, for webhook hints and buttons. */
export class KnownInstances {
  private readonly instances = new Map<string, ServiceInstanceStatus>();

  constructor(private readonly projectId: string) {}

  remember(instances: ServiceInstanceStatus[]): void {
    for (const instance of instances) this.instances.set(instanceKey(instance.serviceId, instance.environmentId), instance);
  }

  /** The instance by id, with its names when a poll has seen it (ids stand in for names otherwise). */
  ref(serviceId: string, environmentId: string, names: { serviceName?: string; environmentName?: string } = {}): InstanceRef {
    const known = this.instances.get(instanceKey(serviceId, environmentId));
    if (known) return toRef(this.projectId, known);
    return {
      projectId: this.projectId,
      serviceId,
      environmentId,
      serviceName: names.serviceName ?? serviceId,
      environmentName: names.environmentName ?? environmentId,
    };
  }
}

function instanceKey(serviceId: string, environmentId: string): string {
  return `${serviceId}:${environmentId}`;
}

export function toRef(projectId: string, instance: ServiceInstanceStatus): InstanceRef {
  return {
    projectId,
    serviceId: instance.serviceId,
    serviceName: instance.serviceName,
    environmentId: instance.environmentId,
    environmentName: instance.environmentName,
  };
}
