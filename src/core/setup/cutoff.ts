/**
 * What railcache says about the Config-as-Code cutoff, in one place. Railway announced
 * 2026-12-01 as the day config files would no longer be read; later CLI builds keep a service on
 * its file until `railway config migrate cutover`, and what Railway enforced is not public. So:
 * before the date, say what was announced; from the date on, never claim a file "stops" being
 * read, and for a team's own services say what the API shows (`railwayConfigFile`).
 */
export const CONFIG_AS_CODE_CUTOFF = Date.UTC(2026, 11, 1);
export const CUTOFF_DAY = "2026-12-01";

/** Whole days from `now` until the cutoff (0 on the day, negative after). */
export function daysUntilConfigCutoff(now: number): number {
  return Math.ceil((CONFIG_AS_CODE_CUTOFF - now) / (24 * 60 * 60 * 1000));
}

/** One sentence on what Railway announced, right for `now`. */
export function cutoffAnnouncement(now: number): string {
  const days = daysUntilConfigCutoff(now);
  if (days > 0) return `Railway announced that config files stop being read on ${CUTOFF_DAY}, in ${days} day${days === 1 ? "" : "s"}.`;
  return `Railway announced ${CUTOFF_DAY} as the cutoff for config files; later CLI builds keep a service reading its file until \`railway config migrate cutover\`, so whether one still does is its \`railwayConfigFile\` setting.`;
}

/** Per service, from its `railwayConfigFile` setting as the API reports it. */
export function configFileState(file: string | null): string {
  return file ? `still reads \`${file}\`` : "no longer reads a config file: its service settings apply";
}

/** What moves where when a service leaves its file, and what `railway config migrate` drops. */
export const MOVE_ADVICE =
  "Copy its start and pre-deploy commands into the service settings (or `start` / `preDeploy` in `.railway/railway.ts`) before it is cut over: the file's values were never copied into the settings. " +
  "`railway config migrate` writes builder, dockerfilePath, cron and watch patterns only as comments and drops the restart policy: read `railway config plan` before `apply`.";
