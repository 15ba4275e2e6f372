/** `railcache doctor`: the project-directory lint. */
export { lintProject, hasProblems, type Finding, type LintOptions, type Severity } from "./lint.js";
export { lintRequirements } from "./requirements.js";
export { formatFindings, findingsToJson, type DoctorSummary } from "./format.js";
