/** The team's real setup from Railway's API: `/railcache setup`, the migration checks, the cutoff wording. */
export { migrationChecks, isDjangoWeb, MIGRATE_FIX, type CheckedSettings, type SetupCheck, type SetupCheckKind } from "./checks.js";
export { CONFIG_AS_CODE_CUTOFF, CUTOFF_DAY, configFileState, cutoffAnnouncement, daysUntilConfigCutoff, MOVE_ADVICE } from "./cutoff.js";
export { selectServices, serviceLines, setupReply, type SetupQuery } from "./reply.js";
