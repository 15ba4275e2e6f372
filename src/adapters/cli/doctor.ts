/** `railcache doctor`: checks config, policy, knowledge base and the Railway token, in plain words. */
import { existsSync, statSync } from "node:fs";
import { CliError } from "./io.js";
import { connectRailway, NoRailwayError, openStore, policySource, type RailwayConnection } from "../../runtime.js";
import { ConfigError, loadConfig, type Config } from "../../config.js";
import { FEW_TEAM_EXAMPLES, loadKnowledgeBase, thinTeamSections } from "../../core/kb/index.js";
import { isOpenPolicy, loadPolicy, OPEN_POLICY_WARNING, PolicyError } from "../../core/policy/index.js";
import { formatFindings, hasProblems, lintProject, type Finding } from "../../core/doctor/index.js";
import type { Logger } from "../../log.js";
import { migrationChecks, MOVE_ADVICE } from "../../core/setup/index.js";
import { RailwayError, type RateLimitReading } from "../../core/ports/railway.js";
import { clockTime } from "../../core/text/time.js";
import type { Store } from "../../core/ports/store.js";
import { listUnanswered, stillRefused } from "../../core/unanswered.js";
import { openKnowledge, storedModelOrigin } from "../../core/kb/open-knowledge.js";

export type CheckLevel = "ok" | "warn" | "fail";

export interface Check {
  check: string;
  level: CheckLevel;
  message: string;
}

/** Runs every check; never throws. */
export async function runDoctorChecks(
  env: Record<string, string | undefined>,
  options: {
    demo: boolean;
    log: Logger;
    /** Where answer models are stored (tests; by default the bot's own folders). */
    modelDirs?: { cache: string; shipped: string };
  },
): Promise<Check[]> {
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
  const team = kb.sections.filter((s) => s.origin === "team");
  if (team.length > 0) {
    checks.push(
      teamRunbookCheck(
        team.length,
        thinTeamSections(kb).map((s) => s.title),
      ),
    );
    const dirs = options.modelDirs;
    checks.push(teamModelCheck(storedModelOrigin(config.kbDir, options.log, dirs?.cache, dirs?.shipped)));
  }

  const unanswered = await unansweredCheck(config, options.log);
  if (unanswered) checks.push(unanswered);
  checks.push(...(await railwayChecks(config, options)));
  return checks;
}

const UNANSWERED_SPAN_MS = 30 * 86_400_000;

/** What the bot refused lately, where its database is: the wordings a team's runbooks should add. */
async function unansweredCheck(config: Config, log: Logger): Promise<Check | undefined> {
  const check = "unanswered questions";
  if (config.unansweredDays <= 0) return { check, level: "ok", message: "not kept (RAILCACHE_UNANSWERED_DAYS=0)" };
  // The bot has not run with this database here: nothing to read, and nothing is created.
  if (!config.databaseUrl && !existsSync(config.sqlitePath)) return undefined;
  let store: Store | undefined;
  try {
    store = await openStore(config, { demo: false, log });
    const kept = await listUnanswered(store, Date.now() - UNANSWERED_SPAN_MS);
    // Asked again, as `railcache unanswered` lists them: what the runbooks answer now is done.
    const questions = kept.length === 0 ? [] : stillRefused(kept, openKnowledge(config.kbDir, log)).refused;
    if (questions.length === 0) return { check, level: "ok", message: "none refused in the last 30 days that the runbooks do not answer now" };
    const repeated = questions.filter((q) => q.count > 1).length;
    return {
      check,
      level: "warn",
      message:
        `${questions.length} refused in the last 30 days${repeated ? ` (${repeated} asked more than once)` : ""}: ` +
        "`railcache unanswered` lists them under the section each came closest to; add their wordings to the right heading's `examples:`.",
    };
  } catch (error) {
    return { check, level: "warn", message: `could not read them from the bot's database: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    await store?.close();
  }
}

/** Headings with few examples answer a team's questions far less often: say which, and what helps. */
function teamRunbookCheck(headings: number, thin: string[]): Check {
  if (thin.length === 0) {
    const counted = headings === 1 ? "1 heading, with" : `${headings} headings, each with`;
    return { check: "team runbooks", level: "ok", message: `${counted} ${FEW_TEAM_EXAMPLES} or more example questions` };
  }
  const named =
    thin
      .slice(0, 5)
      .map((title) => `"${title}"`)
      .join(", ") + (thin.length > 5 ? ` and ${thin.length - 5} more` : "");
  return {
    check: "team runbooks",
    level: "warn",
    message:
      `${thin.length} of ${headings} headings ${thin.length === 1 ? "has" : "have"} fewer than ${FEW_TEAM_EXAMPLES} example questions (${named}): ` +
      "railcache learns such a heading from its own words: on teams' runbooks it answered two in three of their questions on headings with no examples, nine in ten on headings with 20 or more. " +
      "Add the ways your team asks under `examples:` in the file's front-matter (README: Your own runbooks); `railcache unanswered` lists the questions it could not answer, and `railcache ask --explain` shows why one was missed.",
  };
}

const STORE_WITH_THE_BUILD =
  "put the runbooks in runbooks/ for the Docker image (its build stores their model), or set RAILCACHE_KB_DIR when you run `npm run build`";

/** Whether the bot answers from the team's runbooks at once, or builds their answer model first. */
function teamModelCheck(origin: ReturnType<typeof storedModelOrigin>): Check {
  const check = "team runbooks' answer model";
  if (origin === "build") return { check, level: "ok", message: "stored by the build: every start answers from these runbooks at once" };
  if (origin === "earlier start")
    return {
      check,
      level: "ok",
      message: `kept from an earlier start on this machine; a new container or machine builds it again first (about a second, longer with many headings): ${STORE_WITH_THE_BUILD}`,
    };
  return {
    check,
    level: "warn",
    message: `not stored for these runbook files: the next start builds it before it answers (about a second, longer with many headings), and so does every new container: ${STORE_WITH_THE_BUILD}`,
  };
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
    checks.push({
      check: "railway token",
      level: "ok",
      message: `${kind}${info.who ? ` for ${info.who}` : ""}; sent as ${info.kind === "project" ? "Project-Access-Token" : "Authorization: Bearer"}`,
    });
    const project = await railway.api.projectStatus(railway.projectId);
    const services = new Set(project.instances.map((i) => i.serviceName));
    checks.push({
      check: "railway project",
      level: services.size ? "ok" : "warn",
      message: `"${project.projectName}" reachable: ${services.size} service(s) in ${project.environments.length} environment(s)${services.size ? "" : ": the token sees no services"}`,
    });
    checks.push(...(await migrationCheckLines(railway)));
    checks.push(await rateBudgetCheck(railway));
  } catch (error) {
    if (!(error instanceof RailwayError)) throw error;
    checks.push({ check: "railway", level: "fail", message: error.userMessage });
  } finally {
    await railway.close();
  }
  return checks;
}

/** The migration checks `/railcache setup` makes, per service instance, from Railway's API. */
async function migrationCheckLines(railway: RailwayConnection): Promise<Check[]> {
  const setup = await railway.api.projectSetup(railway.projectId, { databaseHosts: false });
  const found = setup.services.flatMap((s) =>
    migrationChecks(s).map((c) => ({
      check: `migrations ${s.serviceName}/${s.environmentName}`,
      level: "warn" as const,
      message: `${c.message} Fix: ${c.fix}`,
    })),
  );
  const readers = setup.services.filter((s) => s.railwayConfigFile).map((s) => `${s.serviceName}/${s.environmentName} (${s.railwayConfigFile})`);
  return [
    ...found,
    ...(found.length ? [] : [{ check: "migrations on deploy", level: "ok" as const, message: "no service shows a migration problem in Railway's settings" }]),
    {
      check: "config as code",
      level: readers.length ? ("warn" as const) : ("ok" as const),
      message: readers.length ? `still read: ${readers.join(", ")}. ${MOVE_ADVICE}` : "no service reads a railway.toml / railway.json any more",
    },
  ];
}

/** The budget from `apiTokenRateLimit` (what Railway says), else from the last response headers. */
async function rateBudgetCheck(railway: RailwayConnection): Promise<Check> {
  const headers = railway.api.rateBudget();
  let reading: RateLimitReading | null = null;
  try {
    reading = await railway.api.readRateLimit(railway.projectId);
  } catch (error) {
    if (!(error instanceof RailwayError)) throw error;
  }
  const resets = (at: number | null) => (at ? `, resets ${clockTime(at)}` : "");
  if (reading) {
    const low = headers.limit !== null ? reading.remaining < headers.limit * 0.1 : reading.remaining < 50;
    return {
      check: "rate budget",
      level: low ? "warn" : "ok",
      message: `${reading.remaining} points left${resets(reading.resetAt)} (apiTokenRateLimit)${headers.limit !== null ? `; limit ${headers.limit} an hour` : ""}`,
    };
  }
  if (headers.remaining !== null && headers.limit !== null) {
    return {
      check: "rate budget",
      level: headers.remaining < headers.limit * 0.1 ? "warn" : "ok",
      message: `${headers.remaining} of ${headers.limit} requests left this hour${resets(headers.resetAt)} (response headers; apiTokenRateLimit did not answer)`,
    };
  }
  return {
    check: "rate budget",
    level: "warn",
    message: "unknown: neither apiTokenRateLimit nor the response headers said; the watcher polls at its base interval",
  };
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

/** `doctor --lint-only <dir>`: the project lint alone, with nothing to configure (CI). */
export function lintOnly(projectDir: string): { findings: Finding[]; failed: boolean; text: string } {
  if (!existsSync(projectDir) || !statSync(projectDir).isDirectory()) {
    throw new CliError(`${projectDir} is not a directory: give the folder of the project to lint.`, 2);
  }
  const findings = lintProject(projectDir);
  return { findings, failed: hasProblems(findings), text: `Project ${projectDir}:\n${formatFindings(findings, { dir: projectDir })}` };
}
