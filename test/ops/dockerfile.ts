/**
 * Just enough of a Dockerfile parser for test/ops: instructions with line continuations and
 * comments folded, global ARG defaults substituted into FROM, instructions grouped by stage.
 */
export interface Instruction {
  keyword: string;
  /** The arguments, continuation lines joined with a space. */
  args: string;
  /** 1-based line the instruction starts on. */
  line: number;
}

export interface Stage {
  /** The image after ARG substitution, or the name of an earlier stage. */
  from: string;
  name: string | undefined;
  instructions: Instruction[];
}

export interface Dockerfile {
  globalArgs: Record<string, string>;
  stages: Stage[];
}

export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i] ?? "";
    if (/^\s*(#|$)/.test(first)) continue;
    const start = i + 1;
    let joined = first;
    while (/\\\s*$/.test(joined) && i + 1 < lines.length) {
      joined = joined.replace(/\\\s*$/, " ");
      i += 1;
      const next = lines[i] ?? "";
      if (/^\s*#/.test(next)) continue; // comments inside a continued instruction are dropped by Docker
      joined += next;
    }
    const match = /^\s*(\w+)\s*(.*)$/.exec(joined);
    if (!match) throw new Error(`line ${start}: not an instruction: ${first}`);
    instructions.push({ keyword: (match[1] ?? "").toUpperCase(), args: (match[2] ?? "").replace(/\s+/g, " ").trim(), line: start });
  }

  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === "FROM") {
      const [image = "", as, name] = instruction.args.split(" ").filter((word) => !word.startsWith("--"));
      const from = image.replace(/\$\{(\w+)\}|\$(\w+)/g, (_m, a: string | undefined, b: string | undefined) => globalArgs[(a ?? b) as string] ?? "");
      stages.push({ from, name: as?.toUpperCase() === "AS" ? name : undefined, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword !== "ARG") throw new Error(`line ${instruction.line}: only ARG may come before the first FROM`);
      const [key = "", value = ""] = instruction.args.split("=", 2);
      globalArgs[key] = value;
    } else {
      (stages.at(-1) as Stage).instructions.push(instruction);
    }
  }
  return { globalArgs, stages };
}

/** `["node", "a.js"]` (exec form) as a list; shell form as one string in a list. */
export function execForm(args: string): string[] {
  if (!args.startsWith("[")) return [args];
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === "string")) throw new Error(`not an exec-form list: ${args}`);
  return parsed;
}

export interface Copy {
  from: string | undefined;
  sources: string[];
  destination: string;
}

/** A COPY's flags, sources and destination (shell form only: that is all the Dockerfile uses). */
export function parseCopy(args: string): Copy {
  const words = args.split(" ");
  const flags = words.filter((word) => word.startsWith("--"));
  const paths = words.filter((word) => !word.startsWith("--"));
  const from = flags.find((flag) => flag.startsWith("--from="))?.slice("--from=".length);
  return { from, sources: paths.slice(0, -1), destination: paths.at(-1) ?? "" };
}

/** The stage's working directory after its WORKDIR instructions (absolute ones only). */
export function workdirOf(stage: Stage): string {
  const workdirs = stage.instructions.filter((i) => i.keyword === "WORKDIR");
  return workdirs.at(-1)?.args ?? "/";
}
