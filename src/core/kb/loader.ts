/**
 * Loads the knowledge base: the built-in sections in content/kb (markdown + YAML front-matter)
 * and, optionally, a team's folder of plain markdown runbooks whose headings become sections.
 * A broken file is reported as a problem naming file and line; everything else still loads.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { basename, extname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
// js-yaml rather than the yaml package used for manifests: the front-matter holds thousands of
// example questions and js-yaml reads them about twice as fast at start-up.
import { CORE_SCHEMA, YAMLException, load as loadYaml } from "js-yaml";
import { z } from "zod";
import type { KbAction, KbProblem, KnowledgeBase, Section } from "./types.js";

/** content/kb of this package: the same relative path from src/core/kb and dist/core/kb. */
export const BUILTIN_KB_DIR = fileURLToPath(new URL("../../../content/kb/", import.meta.url));

/** Longest answer a section may carry before it is cut at a line and the rest goes to "more". */
export const MAX_SECTION_ANSWER_CHARS = 1_000;
/** Longest example question: a short pasted traceback fits, a whole log does not. */
const MAX_EXAMPLE_CHARS = 3_000;

const MORE_MARKER = /^<!--\s*more\s*-->\s*$/m;
const FRONT_MATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;
const MARKDOWN_EXT = new Set([".md", ".markdown"]);

const actionSchema = z.object({
  kind: z.enum(["clear", "redeploy", "see_more", "link"]),
  label: z.string().min(1).max(80),
  style: z.enum(["primary", "danger"]).optional(),
});

/** One example question: what a user might write, a pasted log line included. */
const exampleSchema = z.string().trim().min(2, "an example must not be empty").max(MAX_EXAMPLE_CHARS);

const builtinMetaSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "id must be lowercase letters, digits and dashes"),
  title: z.string().min(1).max(120),
  /** Position in lists such as the "what I can help with" reply. */
  order: z.number().int().default(1000),
  keywords: z.array(z.string().min(1)).default([]),
  actions: z.array(actionSchema).default([]),
  /** Questions the section answers: the router learns from them. */
  examples: z.array(exampleSchema).default([]),
  /** Near misses that look like this section but must not be answered. */
  negatives: z.array(exampleSchema).default([]),
  /** A file of near misses only (content/kb/off-topic.md): never shown as an answer. */
  never_answer: z.boolean().default(false),
  /**
   * Near misses the built-in runbook cannot answer but a team's runbook may (its own workers,
   * schedules, memory, Redis): never answered from a built-in section, and no bar to a team section.
   */
  team_may_answer: z.array(exampleSchema).default([]),
  /** Answers only until a team runbook says it better ("how to document your own setup"). */
  fallback: z.boolean().default(false),
  /** `setup`: answered with live facts from Railway when it is connected. */
  live: z.enum(["setup"]).optional(),
  /** The section a question answered from this one alone usually needs next (a diagnosis, then its fix). */
  next: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, "next must be a section id")
    .optional(),
});

const teamMetaSchema = z.object({
  keywords: z.array(z.string().min(1)).default([]),
  /** Example questions per heading, keyed by the heading text as written. */
  examples: z.record(z.string(), z.array(exampleSchema)).default({}),
  negatives: z.array(exampleSchema).default([]),
});

export interface LoadOptions {
  builtinDir?: string;
  /** A team's runbook folder (RAILCACHE_KB_DIR), read recursively. */
  extraDir?: string;
}

/** Reads both folders; never throws for a bad file, only for nothing at all to read. */
export function loadKnowledgeBase(options: LoadOptions = {}): KnowledgeBase {
  const problems: KbProblem[] = [];
  const sections: Section[] = [];
  const offTopic: string[] = [];
  const teamMayAnswer: string[] = [];
  const teamNegatives: string[] = [];
  const builtinDir = options.builtinDir ?? BUILTIN_KB_DIR;

  const builtins: { section: Section; order: number }[] = [];
  for (const file of listMarkdown(builtinDir, problems)) {
    const parsed = parseBuiltinFile(file, problems);
    if (!parsed) continue;
    offTopic.push(...parsed.negatives);
    teamMayAnswer.push(...parsed.teamMayAnswer);
    if (parsed.neverAnswer) offTopic.push(...parsed.section.examples);
    else builtins.push(parsed);
  }
  builtins.sort((a, b) => a.order - b.order || a.section.id.localeCompare(b.section.id));
  sections.push(...builtins.map((b) => b.section));
  if (options.extraDir) {
    for (const file of listMarkdown(options.extraDir, problems)) {
      const team = parseTeamFile(file, options.extraDir, problems);
      sections.push(...team.sections);
      teamNegatives.push(...team.negatives);
    }
  }
  return { sections: checkNext(dedupeIds(sections, problems), problems), offTopic, teamMayAnswer, teamNegatives, problems };
}

/** Drops (with a problem) a `next:` that names no section, so an answer never points at nothing. */
function checkNext(sections: Section[], problems: KbProblem[]): Section[] {
  const ids = new Set(sections.map((s) => s.id));
  return sections.map((section) => {
    if (section.next === undefined || (ids.has(section.next) && section.next !== section.id)) return section;
    problems.push({ file: section.file, line: lineOfKey(section.file, "next"), message: `next: no other section has the id "${section.next}"` });
    const { next: _dropped, ...rest } = section;
    return rest;
  });
}

/**
 * A hash of every file the knowledge base would be loaded from (names and bytes), without parsing
 * them: a stored model built from the same files can then be used as it is.
 */
export function knowledgeFingerprint(options: LoadOptions = {}): string {
  const hash = createHash("sha256");
  for (const dir of [options.builtinDir ?? BUILTIN_KB_DIR, options.extraDir]) {
    if (!dir) continue;
    const problems: KbProblem[] = [];
    const files = listMarkdown(dir, problems);
    // A team folder with no runbook in it loads what no folder does: the same model (the image's
    // empty runbooks/ answers from the built-in model the build stored). One that cannot be read
    // is a problem to report, so it never shares that model.
    if (dir === options.extraDir && files.length === 0 && problems.length === 0) continue;
    hash.update(`\0dir ${dir}\0`);
    for (const problem of problems) hash.update(`\0problem ${problem.message}\0`);
    for (const file of files) {
      hash.update(`\0file ${relative(dir, file)}\0`);
      try {
        hash.update(readFileSync(file));
      } catch {
        hash.update("\0unreadable\0");
      }
    }
  }
  return hash.digest("hex").slice(0, 32);
}

function listMarkdown(dir: string, problems: KbProblem[]): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && MARKDOWN_EXT.has(extname(entry.name).toLowerCase()))
      .map((entry) => join(entry.parentPath, entry.name))
      .sort();
  } catch (error) {
    problems.push({ file: dir, line: 0, message: `cannot read folder: ${errorMessage(error)}` });
    return [];
  }
}

/** File text as UTF-8, or a problem pointing at the line of the first invalid byte. */
function readUtf8(file: string, problems: KbProblem[]): string | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    problems.push({ file, line: 0, message: `cannot read file: ${errorMessage(error)}` });
    return undefined;
  }
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    if (text.trim() === "") {
      problems.push({ file, line: 1, message: "file is empty" });
      return undefined;
    }
    return text.replace(/^\uFEFF/, "");
  } catch {
    const lossy = new TextDecoder("utf-8").decode(bytes);
    const at = lossy.indexOf("\uFFFD");
    problems.push({ file, line: lineAt(lossy, Math.max(at, 0)), message: "file is not valid UTF-8" });
    return undefined;
  }
}

interface FrontMatter {
  data: unknown;
  /** Body after the closing `---`, and the 1-based file line where it starts. */
  body: string;
  bodyLine: number;
}

function splitFrontMatter(file: string, text: string, problems: KbProblem[]): FrontMatter | undefined {
  const match = FRONT_MATTER.exec(text);
  if (!match) return { data: undefined, body: text, bodyLine: 1 };
  const yamlText = match[1] ?? "";
  let data: unknown;
  try {
    // The YAML 1.2 core schema, as before: "2026-12-01" stays text, not a Date.
    data = loadYaml(yamlText, { schema: CORE_SCHEMA });
  } catch (error) {
    // +1 for the opening `---` line; js-yaml counts lines from 0.
    const yamlLine = error instanceof YAMLException ? (error.mark?.line ?? 0) + 1 : 1;
    const reason = error instanceof YAMLException ? error.reason : errorMessage(error);
    problems.push({ file, line: yamlLine + 1, message: `front-matter is not valid YAML: ${reason}` });
    return undefined;
  }
  return { data, body: text.slice(match[0].length), bodyLine: lineAt(text, match[0].length) };
}

interface BuiltinFile {
  section: Section;
  order: number;
  negatives: string[];
  neverAnswer: boolean;
  teamMayAnswer: string[];
}

function parseBuiltinFile(file: string, problems: KbProblem[]): BuiltinFile | undefined {
  const text = readUtf8(file, problems);
  if (text === undefined) return undefined;
  const fm = splitFrontMatter(file, text, problems);
  if (!fm) return undefined;
  if (fm.data === undefined) {
    problems.push({ file, line: 1, message: "missing front-matter (--- id, title, keywords, actions ---)" });
    return undefined;
  }
  const meta = builtinMetaSchema.safeParse(fm.data);
  if (!meta.success) {
    problems.push(frontMatterProblem(file, text, meta.error));
    return undefined;
  }
  const [answerPart, morePart = ""] = fm.body.split(MORE_MARKER);
  const answer = (answerPart ?? "").trim();
  if (answer === "") {
    problems.push({ file, line: fm.bodyLine, message: "section has no answer text" });
    return undefined;
  }
  if (answer.length > MAX_SECTION_ANSWER_CHARS + 100) {
    problems.push({
      file,
      line: fm.bodyLine,
      message: `answer is ${answer.length} characters; keep it under ${MAX_SECTION_ANSWER_CHARS} and move the rest below <!-- more -->`,
    });
  }
  const section: Section = {
    id: meta.data.id,
    title: meta.data.title,
    keywords: meta.data.keywords,
    answer,
    more: morePart.trim(),
    actions: meta.data.actions satisfies KbAction[],
    origin: "builtin",
    file,
    examples: meta.data.examples,
    ...(meta.data.fallback ? { fallback: true } : {}),
    ...(meta.data.live ? { live: meta.data.live } : {}),
    ...(meta.data.next ? { next: meta.data.next } : {}),
  };
  return {
    section,
    order: meta.data.order,
    negatives: meta.data.negatives,
    neverAnswer: meta.data.never_answer,
    teamMayAnswer: meta.data.team_may_answer,
  };
}

function lineOfKey(file: string, key: string): number {
  try {
    return keyLine(readFileSync(file, "utf8"), key);
  } catch {
    return 0;
  }
}

/** The first schema problem of a front-matter block, at the line of its key (and list item). */
function frontMatterProblem(file: string, text: string, error: z.ZodError): KbProblem {
  const issue = error.issues[0];
  const path = issue?.path ?? [];
  const key = String(path[0] ?? "");
  const where = path.length > 1 ? `${key}[${path.slice(1).map(String).join("][")}]` : key;
  return { file, line: keyLine(text, key), message: `front-matter ${where || "value"}: ${issue?.message ?? "invalid"}` };
}

interface Heading {
  level: number;
  title: string;
  line: number;
}

/**
 * Every heading (levels 1-3, outside code fences) with body text becomes one section. Optional
 * front-matter: `keywords`, `examples` (heading text -> example questions), `negatives`.
 */
function parseTeamFile(file: string, root: string, problems: KbProblem[]): { sections: Section[]; negatives: string[] } {
  const none = { sections: [], negatives: [] };
  const text = readUtf8(file, problems);
  if (text === undefined) return none;
  const fm = splitFrontMatter(file, text, problems);
  if (!fm) return none;
  let meta: z.infer<typeof teamMetaSchema> = { keywords: [], examples: {}, negatives: [] };
  if (fm.data !== undefined) {
    const parsed = teamMetaSchema.safeParse(isPlainObject(fm.data) ? fm.data : {});
    if (parsed.success) meta = parsed.data;
    else problems.push(frontMatterProblem(file, text, parsed.error));
  }

  const lines = fm.body.split(/\r?\n/);
  const blocks: { heading: Heading; body: string[] }[] = [];
  let current: { heading: Heading; body: string[] } | undefined;
  let inFence = false;
  const trail: string[] = [];
  lines.forEach((line, index) => {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const heading = inFence ? null : /^(#{1,3})\s+(.+?)\s*#*\s*$/.exec(line);
    if (heading?.[1] && heading[2]) {
      const level = heading[1].length;
      trail.length = level - 1;
      trail[level - 1] = heading[2];
      current = { heading: { level, title: plainHeading(heading[2]), line: fm.bodyLine + index }, body: [] };
      blocks.push(current);
    } else if (current) {
      current.body.push(line);
    }
  });
  if (blocks.length === 0) {
    problems.push({ file, line: fm.bodyLine, message: "no headings found: a runbook needs at least one '#' heading to become a section" });
    return none;
  }
  const kept = blocks.filter((block) => block.body.join("").trim() !== "");
  const headings = new Set(kept.map((block) => block.heading.title));
  // Each key read once, as its heading reads ("Wiring `DATABASE_URL`" and "Wiring DATABASE_URL" are one).
  const examplesByTitle = new Map<string, string[]>();
  for (const [heading, list] of Object.entries(meta.examples)) {
    const title = plainHeading(heading);
    if (!headings.has(title)) {
      problems.push({
        file,
        line: keyLine(text, "examples"),
        message: `examples name a heading this file does not have: "${heading}" (headings: ${[...headings].join(", ")})`,
      });
    }
    examplesByTitle.set(title, [...(examplesByTitle.get(title) ?? []), ...list]);
  }

  const fileSlug = slugify(relative(root, file).replace(/\.[^.]+$/, "")) || slugify(basename(file));
  const sections = kept.map((block) => {
    const body = block.body.join("\n").trim();
    const { answer, more } = splitLong(body);
    return {
      id: `team-${fileSlug}-${slugify(block.heading.title) || `line-${block.heading.line}`}`,
      title: block.heading.title,
      keywords: meta.keywords,
      answer,
      more,
      actions: [{ kind: "see_more", label: "See more" }],
      origin: "team",
      file,
      examples: examplesByTitle.get(block.heading.title) ?? [],
    } satisfies Section;
  });
  return { sections, negatives: meta.negatives };
}

/** Cuts long runbook text at the last line break before the limit; the rest becomes "more". */
function splitLong(body: string): { answer: string; more: string } {
  if (body.length <= MAX_SECTION_ANSWER_CHARS) return { answer: body, more: "" };
  const cut = body.lastIndexOf("\n", MAX_SECTION_ANSWER_CHARS);
  const at = cut > MAX_SECTION_ANSWER_CHARS / 2 ? cut : MAX_SECTION_ANSWER_CHARS;
  return { answer: `${body.slice(0, at).trimEnd()}\n…`, more: body.slice(at).trim() };
}

function dedupeIds(sections: Section[], problems: KbProblem[]): Section[] {
  const seen = new Map<string, number>();
  const out: Section[] = [];
  for (const section of sections) {
    const count = seen.get(section.id) ?? 0;
    seen.set(section.id, count + 1);
    if (section.origin === "builtin") {
      if (count === 0) out.push(section);
      else problems.push({ file: section.file, line: 1, message: `duplicate section id "${section.id}": this file was skipped` });
    } else {
      out.push({ ...section, id: shortId(count === 0 ? section.id : `${section.id}-${count + 1}`) });
    }
  }
  return out;
}

/**
 * Team section ids stay short enough that a button naming one fits every chat's id limit
 * (Discord's custom ids hold 100 characters): a longer one keeps its start and a hash of the whole.
 */
export const MAX_SECTION_ID = 80;
function shortId(id: string): string {
  if (id.length <= MAX_SECTION_ID) return id;
  const hash = createHash("sha256").update(id).digest("hex").slice(0, 8);
  return `${id.slice(0, MAX_SECTION_ID - hash.length - 1)}-${hash}`;
}

function slugify(text: string): string {
  return text
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
}

/** Backslash-escaped markdown characters, held apart while the markup around them goes. */
const ESCAPED: Readonly<Record<string, string>> = { "*": "\uE001", _: "\uE002", "`": "\uE003", "\\": "\uE004" };
const UNESCAPED: ReadonlyMap<string, string> = new Map(Object.entries(ESCAPED).map(([char, code]) => [code, char]));

/**
 * A heading as it reads, without its markdown: a code span keeps what it holds, a link its text,
 * "*" goes, "_" goes only where it marks emphasis (at a word's edge, so ALLOWED_HOSTS and
 * DATABASE_URL keep theirs, as CommonMark renders them), and a backslash-escaped character stays.
 * Not markdownToPlain: it would read a heading alone as a block ("- Restart" as a bullet), keep a
 * link's address, and leave a reference link as written, its definition being elsewhere in the file.
 */
export function plainHeading(text: string): string {
  const held = text.replace(/\\([*_`\\])/g, (_, char: string) => ESCAPED[char]!).replace(/!?\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])/g, "$1");
  const plain = held
    .split(/(`+)([^`]*?)\1/)
    .map((part, index) => {
      if (index % 3 === 1) return "";
      if (index % 3 === 2) return part;
      return part.replace(/\*+/g, "").replace(/(?<![\p{L}\p{N}])_+|_+(?![\p{L}\p{N}])/gu, "");
    })
    .join("");
  return plain
    .replace(/[\uE001-\uE004]/g, (code) => UNESCAPED.get(code)!)
    .replace(/\s+/g, " ")
    .trim();
}

function isPlainObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function keyLine(text: string, key: string): number {
  if (!key) return 1;
  const at = new RegExp(`^${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*:`, "m").exec(text);
  return at ? lineAt(text, at.index) : 1;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message.replace(/^[A-Z]+: /, "") : String(error);
}
