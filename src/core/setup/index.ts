/** The team's real setup from Railway's API: `/railcache setup`, the migration checks, the cutoff wording. */
export { migrationChecks, type CheckedSettings, type SetupCheck, type SetupCheckKind } from "./checks.js";
export { MOVE_ADVICE } from "./cutoff.js";
export { selectServices, setupReply, type SetupQuery } from "./reply.js";
