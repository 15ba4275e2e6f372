/** `railcache doctor`: checks config, policy, knowledge base and the Railway token, in plain words. */
import { connectRailway, NoRailwayError, policySource } from "../../runtime.js";
import { ConfigError, loadConfig, type Config } from "../../config.js";
import { loadKnowledgeBase } from "../../core/kb/index.js";
import { isOpenPolicy, loadPolicy, OPEN_POLICY_WARNING, PolicyError } from "../../core/policy/index.js";
import { formatFindings, hasProblems, lintProject, type Finding } from "../../core/doctor/index.js";
import type { Logger } from "../../log.js";
import { RailwayError } from "../../core/ports/railway.js";

export type CheckLevel = "ok" | "warn" | "fail";

export interface Check {
  check: string;
  level: CheckLevel;
  message: string;
}

/** Runs every check; never throws. */
export async function runDoctorChecks(env: Record<string, string | undefined>, options: { demo: boolean; log: Logger }): Promise<Check[]> {
  const checks: Check[] = [];
  let config: Config;
  try {
    config = loadConfig(env);
    checks.push({ check: "config", level: "ok", message: "environment variables are valid" });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    checks.push({ check: "config", level: "fail", message: error.problems.join("; ") });
    return checks;
  }

  try {
    const policy = await loadPolicy(policySource(config));
    checks.push(
      isOpenPolicy(policy)
        ? { check: "policy", level: "warn", message: `${OPEN_POLICY_WARNING}; commit a ${config.policyPath} or set RAILCACHE_POLICY` }
        : { check: "policy", level: "ok", message: `${policy.source} is valid (${policy.allow.length} allow rules)` },
    );
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    checks.push({ check: "policy", level: "fail", message: error.message });
  }

  const kb = loadKnowledgeBase(config.kbDir ? { extraDir: config.kbDir } : {});
  checks.push(
    kb.problems.length
      ? { check: "knowledge base", level: "warn", message: kb.problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join("; ") }
      : { check: "knowledge base", level: "ok", message: `${kb.sections.length} sections loaded` },
  );

  checks.push(...(await railwayChecks(config, options)));
  return checks;
}

async function railwayChecks(config: Config, options: { demo: boolean; log: Logger }): Promise<Check[]> {
  let railway;
  try {
    railway = await connectRailway(config, options);
  } catch (error) {
    if (error instanceof NoRailwayError) return [{ check: "railway token", level: "fail", message: error.message }];
    if (error instanceof RailwayError) return [{ check: "railway token", level: "fail", message: error.userMessage }];
    throw error;
  }
  const checks: Check[] = [];
  try {
    const info = await railway.api.tokenInfo();
    const kind = info.kind === "project" ? "a project token (one project and environment)" : "an account or workspace token";
    checks.push({ check: "railway token", level: "ok", message: `${kind}${info.who ? ` for ${info.who}` : ""}; sent as ${info.kind === "project" ? "Project-Access-Token" : "Authorization: Bearer"}` });
    const project = await railway.api.projectStatus(railway.projectId);
    const services = new Set(project.instances.map((i) => i.serviceName));
    checks.push({
      check: "railway project",
      level: services.size ? "ok" : "warn",
      message: `"${project.projectName}" reachable: ${services.size} service(s) in ${project.environments.length} environment(s)${services.size ? "" : ": the token sees no services"}`,
    });
    const budget = railway.api.rateBudget();
    if (budget.remaining !== null && budget.limit !== null) {
      checks.push({
        check: "rate budget",
        level: budget.remaining < budget.limit * 0.1 ? "warn" : "ok",
        message: `${budget.remaining} of ${budget.limit} requests left this hour`,
      });
    }
  } catch (error) {
    if (!(error instanceof RailwayError)) throw error;
    checks.push({ check: "railway", level: "fail", message: error.userMessage });
  } finally {
    await railway.close();
  }
  return checks;
}

export function formatChecks(checks: Check[]): string {
  const mark: Record<CheckLevel, string> = { ok: "ok  ", warn: "warn", fail: "FAIL" };
  return checks.map((c) => `[${mark[c.level]}] ${c.check}: ${c.message}`).join("\n");
}

export interface DoctorReport {
  checks: Check[];
  /** Findings of the project lint (railway.toml, requirements.txt, ...), when a directory was given. */
  findings: Finding[];
}

/** Setup checks plus, for a project directory, the lint the guide's prevention list asks for. */
export async function runDoctor(env: Record<string, string | undefined>, options: { demo: boolean; log: Logger; projectDir?: string }): Promise<DoctorReport> {
  const checks = await runDoctorChecks(env, options);
  const findings = options.projectDir ? lintProject(options.projectDir) : [];
  return { checks, findings };
}

/** Non-zero exit: a failed check, or a lint error or warning. */
export function doctorFailed(report: DoctorReport): boolean {
  return report.checks.some((c) => c.level === "fail") || hasProblems(report.findings);
}

export function formatDoctor(report: DoctorReport, projectDir?: string): string {
  const parts = [formatChecks(report.checks)];
  if (projectDir) parts.push("", `Project ${projectDir}:`, formatFindings(report.findings, { dir: projectDir }));
  return parts.join("\n");
}
