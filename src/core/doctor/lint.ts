/**
 * `railcache doctor [path]`: lints a Django-on-Railway project directory the way the guide's
 * prevention list asks. Reads files only; never talks to Railway (the token and connectivity
 * checks live with the CLI).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import TOML from "@iarna/toml";
import { CUTOFF_DAY, cutoffAnnouncement, daysUntilConfigCutoff, MOVE_ADVICE } from "../setup/cutoff.js";
import { findEntrypoints, findManagePy, MIGRATE, readTextFile } from "./entrypoints.js";
import { isMap, railwayConfigKeys, type KeyShape } from "./railway-keys.js";
import { lintRequirements } from "./requirements.js";
import { closest } from "../text/closest.js";
import { tomlKeyLocator } from "../text/toml-lines.js";

export type Severity = "error" | "warning" | "info";

export interface Finding {
  severity: Severity;
  /** Relative to the linted directory. */
  file: string;
  /** 1-based; null when the finding is about the file as a whole or the project. */
  line: number | null;
  message: string;
  fix: string;
}

export interface LintOptions {
  /** Epoch ms, for what to say about the config-as-code cutoff (default: now). */
  now?: number;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface ConfigFile {
  name: "railway.toml" | "railway.json";
  text: string;
  data: Record<string, Json> | null;
  /** 1-based line of a key path (best effort), for messages. */
  lineOf(path: string[]): number | null;
}

/** Every finding for the project in `dir`, errors first. */
export function lintProject(dir: string, options: LintOptions = {}): Finding[] {
  const now = options.now ?? Date.now();
  const findings: Finding[] = [];
  const configs = readConfigs(dir, findings);
  const managePy = findManagePy(dir);
  const isDjango = managePy !== null;

  for (const config of configs) {
    findings.push(deprecationFinding(config.name, now));
    if (config.data) {
      findings.push(...unknownKeys(config, config.data, railwayConfigKeys, []));
      findings.push(...noCacheDirInConfig(config, config.data, []));
    }
  }
  findings.push(...lintEnvFiles(dir));
  findings.push(...lintNixpacksToml(dir));
  if (managePy) findings.push(...migrationFindings(dir, configs, now, managePy));

  const appDir = managePy ? dirname(managePy) : ".";
  const requirementsFile = ["requirements.txt", join(appDir, "requirements.txt")].find((f) => existsSync(join(dir, f)));
  if (requirementsFile) {
    const { text, encoding } = readTextFile(join(dir, requirementsFile));
    if (encoding !== "utf-8") {
      findings.push({
        severity: "warning",
        file: requirementsFile,
        line: null,
        message: `${requirementsFile} is ${encoding.toUpperCase()} (what PowerShell's \`pip freeze > requirements.txt\` writes): tools that read it as UTF-8, possibly the builder's Django detection, see no packages.`,
        fix: "Save it as UTF-8: `pip freeze | Out-File -Encoding utf8 requirements.txt` in PowerShell, or re-save it as UTF-8 in your editor.",
      });
    }
    findings.push(...lintRequirements(text, { file: requirementsFile, isDjango }));
  } else if (isDjango)
    findings.push({
      severity: "error",
      file: "requirements.txt",
      line: null,
      message: "manage.py is here but requirements.txt is missing: the builder cannot tell what to install.",
      fix: "Commit a requirements.txt with pinned versions (`pip freeze > requirements.txt`).",
    });

  const order: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  return findings.sort((a, b) => order[a.severity] - order[b.severity] || a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0));
}

/** True when doctor should exit non-zero: any error or warning. */
export function hasProblems(findings: Finding[]): boolean {
  return findings.some((f) => f.severity !== "info");
}

// --- railway.toml / railway.json -------------------------------------------------------------

function readConfigs(dir: string, findings: Finding[]): ConfigFile[] {
  const configs: ConfigFile[] = [];
  const tomlPath = join(dir, "railway.toml");
  if (existsSync(tomlPath)) {
    const text = readFileSync(tomlPath, "utf8");
    let data: Record<string, Json> | null = null;
    try {
      data = TOML.parse(text) as unknown as Record<string, Json>;
    } catch (error) {
      const e = error as { line?: number; message?: string };
      const reason = (e.message ?? "invalid TOML").split(" at row ")[0]!.trim();
      findings.push({
        severity: "error",
        file: "railway.toml",
        line: typeof e.line === "number" ? e.line + 1 : null,
        message: `railway.toml is not valid TOML: ${reason}. Railway cannot read any of it.`,
        fix: "Fix the syntax at that line (a missing comma or quote is the usual cause).",
      });
    }
    const locate = tomlKeyLocator(text);
    configs.push({ name: "railway.toml", text, data, lineOf: (path) => locate(path, { exact: true }) });
  }
  const jsonPath = join(dir, "railway.json");
  if (existsSync(jsonPath)) {
    const text = readFileSync(jsonPath, "utf8");
    let data: Record<string, Json> | null = null;
    try {
      const parsed = JSON.parse(text) as Json;
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) data = parsed;
      else
        findings.push({
          severity: "error",
          file: "railway.json",
          line: 1,
          message: "railway.json must hold one JSON object.",
          fix: 'Start from `{ "$schema": "https://railway.com/railway.schema.json" }`.',
        });
    } catch (error) {
      const message = (error as Error).message;
      const position = /at position (\d+)/.exec(message);
      const line = position ? text.slice(0, Number(position[1])).split("\n").length : null;
      findings.push({
        severity: "error",
        file: "railway.json",
        line,
        message: `railway.json is not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, "")}. Railway cannot read any of it.`,
        fix: "Fix the syntax at that line (a missing or trailing comma is the usual cause).",
      });
    }
    configs.push({ name: "railway.json", text, data, lineOf: (path) => jsonLine(text, path) });
  }
  return configs;
}

function deprecationFinding(file: ConfigFile["name"], now: number): Finding {
  const fix = `Run \`railway config migrate\` to translate it into \`.railway/railway.ts\`, then \`railway config plan\` / \`apply\`. ${MOVE_ADVICE}`;
  const whether = "Whether a service still reads it is its `railwayConfigFile` setting: `railcache setup` shows it per service.";
  return { severity: "warning", file, line: null, message: `Config as code is deprecated. ${cutoffAnnouncement(now)} ${whether}`, fix };
}

function unknownKeys(config: ConfigFile, data: Record<string, Json>, shape: KeyShape, path: string[]): Finding[] {
  if (shape === true || isMap(shape)) return [];
  const findings: Finding[] = [];
  for (const [key, value] of Object.entries(data)) {
    const here = [...path, key];
    // Own keys only: a `constructor` or `toString` key is as unknown as any other.
    const known = Object.hasOwn(shape, key) ? (shape as Record<string, KeyShape>)[key] : undefined;
    if (known === undefined) {
      findings.push(unknownKeyFinding(config, here, Object.keys(shape)));
      continue;
    }
    if (!isObject(value)) continue;
    if (known !== true && isMap(known)) {
      for (const [name, inner] of Object.entries(value)) if (isObject(inner)) findings.push(...unknownKeys(config, inner, known.map, [...here, name]));
    } else if (known !== true) {
      findings.push(...unknownKeys(config, value, known, here));
    }
  }
  return findings;
}

function unknownKeyFinding(config: ConfigFile, path: string[], siblings: string[]): Finding {
  const key = path[path.length - 1]!;
  const shown = config.name === "railway.toml" ? `[${path.join(".")}]` : `"${path.join(".")}"`;
  const line = config.lineOf(path);
  if (key === "nixpacksPhase") {
    return {
      severity: "error",
      file: config.name,
      line,
      message: `${shown} is not a Railway key (it comes from the cache guide): Railway ignores it, so its commands never run.`,
      fix: 'Use `[build.nixpacksPlan.phases.install]` with `cmds = ["pip install -r requirements.txt"]`, or better the `NIXPACKS_INSTALL_CMD` / `RAILPACK_INSTALL_CMD` variable, which keeps working after the config-as-code cutoff.',
    };
  }
  const suggestion = closest(key, siblings, 1)[0];
  return {
    severity: "error",
    file: config.name,
    line,
    message: `${shown} is not a key Railway knows: it is ignored.${suggestion ? ` Did you mean \`${suggestion}\`?` : ""}`,
    fix: suggestion
      ? `Rename it to \`${suggestion}\`.`
      : `Remove it, or check Railway's config-as-code reference for the right place. Known here: ${siblings.join(", ")}.`,
  };
}

/** `--no-cache-dir` in any command of a config file: every build reinstalls everything. */
function noCacheDirInConfig(config: ConfigFile, data: Json, path: string[]): Finding[] {
  if (typeof data === "string") {
    return data.includes("--no-cache-dir") ? [noCacheDirFinding(config.name, config.lineOf(path) ?? searchLine(config.text, "--no-cache-dir"))] : [];
  }
  if (Array.isArray(data)) {
    return data
      .flatMap((item) =>
        typeof item === "string" && item.includes("--no-cache-dir")
          ? [noCacheDirFinding(config.name, searchLine(config.text, "--no-cache-dir"))]
          : noCacheDirInConfig(config, item, path),
      )
      .slice(0, 1);
  }
  if (isObject(data)) return Object.entries(data).flatMap(([key, value]) => noCacheDirInConfig(config, value, [...path, key]));
  return [];
}

function noCacheDirFinding(file: string, line: number | null): Finding {
  return {
    severity: "warning",
    file,
    line,
    message: "`--no-cache-dir` is left in an install command: every build downloads every package again (the guide: remove it after the one clean build).",
    fix: "Remove `--no-cache-dir`. For a one-off clean build, set `NO_CACHE=1` on the service (or `/railcache clear <service>`) and remove it afterwards.",
  };
}

// --- variables and other build files ---------------------------------------------------------

const NO_CACHE_LINE = /^\s*(?:export\s+)?(NO_CACHE|NIXPACKS_NO_CACHE)\s*=\s*["']?(1|true|yes)["']?\s*(?:#.*)?$/i;
const INSTALL_CMD_LINE = /^\s*(?:export\s+)?(NIXPACKS_INSTALL_CMD|RAILPACK_INSTALL_CMD)\s*=.*--no-cache-dir/;

/** `.env` style files committed with NO_CACHE on, or an install command with --no-cache-dir. */
function lintEnvFiles(dir: string): Finding[] {
  const findings: Finding[] = [];
  const names = readdirSync(dir).filter((n) => /^\.env(\..+)?$|^railway\.env$|^variables\.env$/.test(n) && !n.endsWith(".example"));
  for (const name of names.sort()) {
    const lines = readFileSync(join(dir, name), "utf8").split(/\r?\n/);
    lines.forEach((text, i) => {
      const noCache = NO_CACHE_LINE.exec(text);
      if (noCache) {
        findings.push({
          severity: "warning",
          file: name,
          line: i + 1,
          message: `${noCache[1]} is set permanently: every build skips the layer cache and stays slow.`,
          fix: "Set NO_CACHE=1 only for one build (`/railcache clear <service>` does that and removes it again); delete this line.",
        });
      }
      if (INSTALL_CMD_LINE.test(text)) findings.push(noCacheDirFinding(name, i + 1));
    });
  }
  return findings;
}

function lintNixpacksToml(dir: string): Finding[] {
  const path = join(dir, "nixpacks.toml");
  if (!existsSync(path)) return [];
  const text = readFileSync(path, "utf8");
  const line = searchLine(text, "--no-cache-dir");
  return line === null ? [] : [noCacheDirFinding("nixpacks.toml", line)];
}

// --- migrations ------------------------------------------------------------------------------

function migrationFindings(dir: string, configs: ConfigFile[], now: number, managePy: string): Finding[] {
  const findings: Finding[] = [];
  const fromConfig = configs.flatMap((config) => {
    const deploy = config.data && isObject(config.data.deploy) ? config.data.deploy : null;
    const commands = [deploy?.startCommand, ...(Array.isArray(deploy?.preDeployCommand) ? deploy.preDeployCommand : [deploy?.preDeployCommand])];
    return commands.some((c) => typeof c === "string" && MIGRATE.test(c)) ? [config] : [];
  });
  const entrypoints = findEntrypoints(dir);
  const railwayTs = readIfExists(join(dir, ".railway", "railway.ts"));
  const web = entrypoints.filter((e) => e.kind !== "release");
  const elsewhere = web.some((e) => e.runsMigrate) || (railwayTs !== null && MIGRATE.test(railwayTs));

  // Railpack ignores `release:`; Nixpacks ran it at build time, without the private network.
  for (const release of entrypoints.filter((e) => e.file === "Procfile" && e.kind === "release")) {
    findings.push({
      severity: "warning",
      file: "Procfile",
      line: release.line,
      message: `\`release: ${release.command}\` does not run on Railway: Railpack ignores a Procfile \`release:\` line, and Nixpacks ran it at build time, where the private network (\`*.railway.internal\`, your database) is not reachable.`,
      fix: release.runsMigrate
        ? "Make it the service's pre-deploy command: `python manage.py migrate` (one element)."
        : "Move it to the pre-deploy command (one element) or the start command.",
    });
  }

  if (fromConfig.length === 0 && !elsewhere) {
    const webLine = entrypoints.find((e) => e.file === "Procfile" && e.kind === "web");
    const docker = entrypoints.find((e) => e.file !== "Procfile");
    const followed = [...new Set(entrypoints.flatMap((e) => e.scripts))];
    const how = webLine
      ? `the Procfile's \`web: ${webLine.command}\` replaces Railpack's default start command (which runs \`migrate\`)`
      : docker
        ? `the ${docker.file}'s ${docker.kind} \`${docker.command}\` does not run it (a Dockerfile gets no builder default)`
        : "no `manage.py migrate` in a start or pre-deploy command here";
    findings.push({
      severity: "warning",
      file: webLine ? "Procfile" : docker ? docker.file : managePy,
      line: webLine?.line ?? docker?.line ?? null,
      message: `Django project, but migrations do not run on deploy: ${how}${followed.length ? ` (read ${followed.map((f) => `\`${f}\``).join(", ")} too)` : ""}. New fields then fail in production with \`column … does not exist\`. If the service's settings on Railway run it, \`railcache setup\` shows that.`,
      fix: "Set the pre-deploy command to `python manage.py migrate` in the service settings (or start with `python manage.py migrate && gunicorn …`).",
    });
    return findings;
  }
  if (!elsewhere) {
    const before = daysUntilConfigCutoff(now) > 0;
    findings.push(
      ...fromConfig.map((config) => ({
        severity: "warning" as const,
        file: config.name,
        line: config.lineOf(["deploy", "startCommand"]) ?? config.lineOf(["deploy", "preDeployCommand"]),
        message: `Migrations run only from ${config.name}: a service that no longer reads it runs no migrations. ${
          before
            ? `Railway announced that config files stop being read on ${CUTOFF_DAY}.`
            : "Whether a service still reads it is its `railwayConfigFile` setting (`railcache setup` shows it)."
        }`,
        fix: "Put the same command in the service settings: the pre-deploy command `python manage.py migrate`, or the start command `python manage.py migrate && gunicorn …`.",
      })),
    );
  }
  return findings;
}

// --- helpers ---------------------------------------------------------------------------------

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readIfExists(path: string): string | null {
  return existsSync(path) ? readFileSync(path, "utf8") : null;
}

function searchLine(text: string, needle: string): number | null {
  const index = text.split("\n").findIndex((l) => l.includes(needle) && !l.trimStart().startsWith("#"));
  return index === -1 ? null : index + 1;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Line of a JSON key path: each `"key":` searched after the line of its parent. */
function jsonLine(text: string, path: string[]): number | null {
  const lines = text.split("\n");
  let from = 0;
  for (const key of path) {
    const pattern = new RegExp(`"${escape(key)}"\\s*:`);
    const index = lines.findIndex((l, i) => i >= from && pattern.test(l));
    if (index === -1) return null;
    from = index;
  }
  return from + 1;
}
