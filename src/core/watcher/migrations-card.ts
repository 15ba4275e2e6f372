/** The once-per-service warning that migrations do not run on deploy, as the API shows. */
import { dashboardUrl } from "../ports/railway.js";
import type { Reply } from "../reply.js";
import type { SetupCheck } from "../setup/checks.js";
import { whereText, type InstanceRef } from "./cards.js";

export function migrationsCard(instance: InstanceRef, checks: SetupCheck[]): Reply {
  return {
    title: `${instance.serviceName}: migrations may not run on deploy`,
    body: [
      `Railway's settings for ${whereText(instance)} show:`,
      ...checks.map((c) => `• ${c.message} ${c.fix}`),
      `\`/railcache setup ${instance.serviceName} ${instance.environmentName}\` shows the whole picture. railcache says this once per service.`,
    ].join("\n"),
    actions: [{ kind: "link", label: "Open service settings", url: dashboardUrl(instance) }],
    context: "railcache watcher · migrations",
    tone: "warning",
  };
}
