/**
 * Migration checks from Railway's API (not from files): what a service really starts with and
 * whether `manage.py migrate` runs on deploy. Pure: the same checks serve `/railcache setup`,
 * `railcache doctor` and the watcher's once-per-service warning.
 */
import type { ServiceSettings } from "../ports/railway.js";

export type SetupCheckKind = "no_migrate" | "pre_deploy_elements" | "config_file_commands" | "no_migrate_after_cutover";

export interface SetupCheck {
  kind: SetupCheckKind;
  message: string;
  fix: string;
}

const MIGRATE = /\bmanage\.py\s+migrate\b|\bdjango-admin\s+migrate\b/;
/** A start command that serves a Django app over HTTP (a worker's `celery ...` is not one). */
const DJANGO_SERVER =
  /\b(gunicorn|uvicorn|daphne|hypercorn|waitress-serve|granian)\b[^\n]*\b(wsgi|asgi)\b|\bmanage\.py\s+runserver\b|\b[\w.]+\.(wsgi|asgi)(:application)?\b/;
export const MIGRATE_FIX =
  "Set the pre-deploy command to `python manage.py migrate` (one element), or start with `python manage.py migrate && gunicorn <project>.wsgi`.";

/** The part of ServiceSettings the checks read (the watcher's poll carries just these). */
export type CheckedSettings = Pick<ServiceSettings, "serviceName" | "builder" | "startCommand" | "preDeployCommand" | "railwayConfigFile"> & {
  variables?: { name: string }[];
  latestDeployment?: ServiceSettings["latestDeployment"];
};

/** Whether a service is a Django web process, as far as the API shows. */
export function isDjangoWeb(s: CheckedSettings, start: string | null): boolean {
  if (start)
    return DJANGO_SERVER.test(start) && (/django|wsgi|asgi|manage\.py/i.test(start) || Boolean(s.variables?.some((v) => v.name === "DJANGO_SETTINGS_MODULE")));
  return false;
}

const runsMigrate = (start: string | null, preDeploy: string[] | null) => Boolean((start && MIGRATE.test(start)) || preDeploy?.some((c) => MIGRATE.test(c)));

/** Every migration problem the API shows for one service instance. */
export function migrationChecks(s: CheckedSettings): SetupCheck[] {
  const checks: SetupCheck[] = [];
  const manifest = s.latestDeployment?.manifest;
  // While a file is read, the last deployment's manifest (when Railway includes it) is the truth; else the settings.
  const reading = Boolean(s.railwayConfigFile);
  const start = reading && manifest ? manifest.startCommand : s.startCommand;
  const preDeploy = reading && manifest ? manifest.preDeployCommand : s.preDeployCommand;

  for (const [where, list] of [
    ["", preDeploy],
    [" in the service settings", reading && manifest ? s.preDeployCommand : null],
  ] as const) {
    if (list && list.length > 1) {
      checks.push({
        kind: "pre_deploy_elements",
        message: `The pre-deploy command${where} has ${list.length} elements (${list.map((c) => `\`${c}\``).join(", ")}): Railway takes one, and two or more fail the deploy.`,
        fix: "Keep one element: `python manage.py migrate`. `collectstatic` belongs in the build, not the pre-deploy container (its files are not kept).",
      });
    }
  }
  if (isDjangoWeb(s, start) && !runsMigrate(start, preDeploy)) {
    checks.push({
      kind: "no_migrate",
      message: `Migrations do not run on deploy: the custom start command \`${start}\` replaces Railpack's Django default (\`python manage.py migrate && gunicorn …\`) and no pre-deploy command runs \`migrate\`.`,
      fix: MIGRATE_FIX,
    });
  }
  const django = isDjangoWeb(s, start) || isDjangoWeb(s, s.startCommand) || Boolean(s.variables?.some((v) => v.name === "DJANGO_SETTINGS_MODULE"));
  if (reading && django) {
    const settingsMigrate = runsMigrate(s.startCommand, s.preDeployCommand);
    if (manifest && runsMigrate(manifest.startCommand, manifest.preDeployCommand) && !settingsMigrate) {
      checks.push({
        kind: "config_file_commands",
        message: `Migrations run from \`${s.railwayConfigFile}\` only: the service settings have no \`migrate\`, so once the service no longer reads the file, migrations stop running on deploy.`,
        fix: `Copy the command into the service settings now: ${MIGRATE_FIX}`,
      });
    } else if (!manifest && !settingsMigrate) {
      checks.push({
        kind: "config_file_commands",
        message: `The service still reads \`${s.railwayConfigFile}\` for its start and pre-deploy commands (the API does not show the file's values), and its own settings run no \`migrate\`: once it no longer reads the file, migrations would not run on deploy${s.startCommand ? "" : " unless the builder's default start command runs them"}.`,
        fix: `Put migrations in the service settings: ${MIGRATE_FIX}`,
      });
    }
  }
  return checks;
}
