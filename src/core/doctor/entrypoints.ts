/**
 * How a project really starts, read from its files: a Procfile's `web:` and `release:` lines, a
 * Dockerfile's CMD / ENTRYPOINT, and the shell scripts they run (followed two levels deep), so
 * `doctor` does not say "no migrations" when `web: bash bin/start.sh` runs them inside the script.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, normalize, relative } from "node:path";

export const MIGRATE = /\bmanage\.py\s+migrate\b|\bdjango-admin\s+migrate\b/;

export interface Entrypoint {
  /** Where the command is written: "Procfile", "Dockerfile". */
  file: string;
  line: number;
  /** `web`, `release` (Procfile), `CMD`, `ENTRYPOINT` (Dockerfile). */
  kind: string;
  command: string;
  /** Scripts the command runs (relative paths), followed into. */
  scripts: string[];
  runsMigrate: boolean;
}

/** Procfile process lines (`web: ...`, `release: ...`), with their line numbers. */
export function procfileLines(text: string): { kind: string; command: string; line: number }[] {
  return text.split(/\r?\n/).flatMap((raw, i) => {
    const match = /^\s*([A-Za-z0-9_-]+)\s*:\s*(.+?)\s*$/.exec(raw);
    return match && !raw.trimStart().startsWith("#") ? [{ kind: match[1]!.toLowerCase(), command: match[2]!, line: i + 1 }] : [];
  });
}

/** CMD and ENTRYPOINT of the last stage of a Dockerfile (exec form or shell form), with line continuations joined. */
export function dockerfileCommands(text: string): { kind: "CMD" | "ENTRYPOINT"; command: string; line: number }[] {
  const result: { kind: "CMD" | "ENTRYPOINT"; command: string; line: number }[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i += 1) {
    const start = i;
    let statement = lines[i]!;
    while (/\\\s*$/.test(statement) && i + 1 < lines.length) statement = statement.replace(/\\\s*$/, " ") + lines[++i]!;
    if (/^\s*FROM\s/i.test(statement)) result.length = 0; // a later stage replaces what runs
    const match = /^\s*(CMD|ENTRYPOINT)\s+(.+)$/i.exec(statement);
    if (!match) continue;
    const kind = match[1]!.toUpperCase() as "CMD" | "ENTRYPOINT";
    let command = match[2]!.trim();
    if (command.startsWith("[")) {
      try {
        const parts = JSON.parse(command) as unknown;
        if (Array.isArray(parts)) command = parts.map(String).join(" ");
      } catch {
        // Not valid JSON: Docker runs it in shell form, as written.
      }
    }
    for (let j = result.length - 1; j >= 0; j -= 1) if (result[j]!.kind === kind) result.splice(j, 1);
    result.push({ kind, command, line: start + 1 });
  }
  return result;
}

/** Relative paths of scripts a command runs that exist in `dir` (`bash bin/start.sh`, `./entrypoint.sh`, `/app/start.sh`). */
export function scriptsRun(command: string, dir: string): string[] {
  const found: string[] = [];
  for (const token of command.split(/[\s;&|()"']+/)) {
    if (!token || !/(^\.{0,2}\/|\.sh$|^bin\/|^scripts?\/)/.test(token)) continue;
    for (const candidate of [token, token.replace(/^\/(app|code|src|srv|usr\/src\/app)\//, ""), token.replace(/^\//, "")]) {
      const rel = normalize(candidate).replace(/^(\.\/)+/, "");
      if (rel.startsWith("..") || rel === "." || !rel) continue;
      const path = join(dir, rel);
      if (existsSync(path) && statSync(path).isFile()) {
        found.push(relative(dir, path));
        break;
      }
    }
  }
  return [...new Set(found)];
}

/** Whether a command, or a script it runs (two levels deep), runs `manage.py migrate`. */
function followMigrate(command: string, dir: string, depth: number, seen: Set<string>): { runs: boolean; scripts: string[] } {
  if (MIGRATE.test(command)) return { runs: true, scripts: [] };
  const scripts: string[] = [];
  if (depth <= 0) return { runs: false, scripts };
  for (const script of scriptsRun(command, dir)) {
    if (seen.has(script)) continue;
    seen.add(script);
    scripts.push(script);
    const text = readFileSync(join(dir, script), "utf8");
    const lines = text.split(/\r?\n/).filter((l) => !l.trimStart().startsWith("#"));
    const inner = followMigrate(lines.join("\n"), dir, depth - 1, seen);
    scripts.push(...inner.scripts);
    if (inner.runs) return { runs: true, scripts };
  }
  return { runs: false, scripts };
}

/** Every start command the project's files declare. */
export function findEntrypoints(dir: string): Entrypoint[] {
  const entries: Entrypoint[] = [];
  const add = (file: string, kind: string, command: string, line: number) => {
    const followed = followMigrate(command, dir, 2, new Set());
    entries.push({ file, kind, command, line, scripts: followed.scripts, runsMigrate: followed.runs });
  };
  const procfile = join(dir, "Procfile");
  if (existsSync(procfile)) for (const p of procfileLines(readFileSync(procfile, "utf8"))) add("Procfile", p.kind, p.command, p.line);
  for (const name of ["Dockerfile", ...dockerfileNames(dir)]) {
    const path = join(dir, name);
    if (!existsSync(path)) continue;
    for (const c of dockerfileCommands(readFileSync(path, "utf8"))) add(name, c.kind, c.command, c.line);
    break;
  }
  return entries;
}

function dockerfileNames(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => /^Dockerfile\..+|\.Dockerfile$/i.test(n))
    .sort();
}

const SKIP = new Set(["node_modules", ".git", ".venv", "venv", "env", "__pycache__", "site-packages", "dist", "build", ".tox"]);

/** Where `manage.py` is: the project root, or a subfolder up to two levels down (`backend/manage.py`). */
export function findManagePy(dir: string, depth = 2): string | null {
  if (existsSync(join(dir, "manage.py"))) return "manage.py";
  if (depth <= 0) return null;
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return null;
  }
  for (const name of entries) {
    if (SKIP.has(name) || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (!statSync(path).isDirectory()) continue;
    const inner = findManagePy(path, depth - 1);
    if (inner) return join(name, inner);
  }
  return null;
}

/** A text file's contents whatever its encoding: UTF-8, or UTF-16 (with a BOM, or without one when every other byte is NUL). */
export function readTextFile(path: string): { text: string; encoding: "utf-8" | "utf-16le" | "utf-16be" } {
  const bytes = readFileSync(path);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: bytes.subarray(2).toString("utf16le"), encoding: "utf-16le" };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: swap(bytes.subarray(2)).toString("utf16le"), encoding: "utf-16be" };
  const sample = bytes.subarray(0, 64);
  const oddNul = sample.filter((b, i) => i % 2 === 1 && b === 0).length;
  const evenNul = sample.filter((b, i) => i % 2 === 0 && b === 0).length;
  if (sample.length >= 4 && oddNul >= sample.length / 4 && evenNul === 0) return { text: bytes.toString("utf16le"), encoding: "utf-16le" };
  if (sample.length >= 4 && evenNul >= sample.length / 4 && oddNul === 0) return { text: swap(bytes).toString("utf16le"), encoding: "utf-16be" };
  const text = bytes.toString("utf8");
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, encoding: "utf-8" };
}

function swap(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2)));
  return copy.swap16();
}
