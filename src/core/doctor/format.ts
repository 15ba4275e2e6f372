/** Doctor output: a human report and a JSON form (`railcache doctor --json`). */
import type { Finding, Severity } from "./lint.js";

export interface DoctorSummary {
  errors: number;
  warnings: number;
  infos: number;
}

export function summarize(findings: Finding[]): DoctorSummary {
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  return { errors: count("error"), warnings: count("warning"), infos: count("info") };
}

/** Plain text, one finding per block: `file:line  severity  message` then the fix. */
export function formatFindings(findings: Finding[], options: { dir?: string } = {}): string {
  const where = options.dir ? ` in ${options.dir}` : "";
  if (findings.length === 0) return `railcache doctor: no problems found${where}.\n`;
  const blocks = findings.map((f) => `${f.file}${f.line !== null ? `:${f.line}` : ""}  ${f.severity}  ${f.message}\n    fix: ${f.fix}`);
  const s = summarize(findings);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `${blocks.join("\n\n")}\n\n${plural(s.errors, "error")}, ${plural(s.warnings, "warning")}, ${s.infos} info${where}.\n`;
}

/** The JSON form: stable keys, for scripts and CI. */
export function findingsToJson(findings: Finding[]): { findings: Finding[]; summary: DoctorSummary } {
  return { findings, summary: summarize(findings) };
}
