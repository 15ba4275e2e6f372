/** `railcache doctor`: the project-directory lint. */
export { lintProject, hasProblems, type Finding, type LintOptions, type Severity } from "./lint.js";
export { lintRequirements, normalizePackageName } from "./requirements.js";
export { formatFindings, findingsToJson, summarize, type DoctorSummary } from "./format.js";
