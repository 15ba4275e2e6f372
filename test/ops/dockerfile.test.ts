/**
 * What can be checked about the image without Docker: the Dockerfile's stages, user, health
 * check and start command against the repository and the code that will run in it.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { BUILTIN_KB_DIR } from "../../src/core/kb/loader.js";
import { createHttpServer, type HttpServer } from "../../src/http/server.js";
import { silentLogger } from "../../src/log.js";
import { createMetrics } from "../../src/metrics.js";
import { defaultSchemaPath } from "../../src/railway/simulator/schema.js";
import { execForm, parseCopy, parseDockerfile, workdirOf, type Stage } from "./dockerfile.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dockerfile = parseDockerfile(readFileSync(path.join(root, "Dockerfile"), "utf8"));
const runtime = dockerfile.stages.at(-1) as Stage;
const dockerignore = readFileSync(path.join(root, ".dockerignore"), "utf8")
  .split(/\r?\n/)
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith("#"));
const packageJson = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
};
const buildTsconfig = JSON.parse(readFileSync(path.join(root, "tsconfig.build.json"), "utf8")) as { compilerOptions: { outDir: string; rootDir: string } };

const only = <T>(items: T[], what: string): T => {
  expect(items, what).toHaveLength(1);
  return items[0] as T;
};
const runs = (stage: Stage) => stage.instructions.filter((i) => i.keyword === "RUN").map((i) => i.args);
const stageNamed = (name: string) => dockerfile.stages.find((s) => s.name === name);
const healthcheckCommand = () => {
  const args = only(
    runtime.instructions.filter((i) => i.keyword === "HEALTHCHECK"),
    "one HEALTHCHECK",
  ).args;
  const cmd = /\bCMD (.*)$/.exec(args)?.[1];
  if (!cmd) throw new Error(`HEALTHCHECK without CMD: ${args}`);
  return execForm(cmd);
};
/** Whether .dockerignore keeps a top-level path out of the build context. */
const ignored = (relative: string) => dockerignore.some((pattern) => relative === pattern || relative.startsWith(`${pattern.replace(/\/$/, "")}/`));

describe("Dockerfile stages", () => {
  it("builds in several stages so compilers and dev dependencies stay out of the image", () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    expect(runtime.instructions.some((i) => i.keyword === "RUN" && /\b(g\+\+|gcc|make|python3)\b/.test(i.args))).toBe(false);
  });

  it("uses a current LTS Node image (22 or 24) in every stage, never the end-of-life Node 20", () => {
    const stageNames = new Set(dockerfile.stages.map((s) => s.name));
    for (const stage of dockerfile.stages) {
      if (stageNames.has(stage.from)) continue;
      expect(stage.from).toMatch(/^node:(22|24)[.\-\w]*$/);
    }
  });

  it("gives the runtime node_modules from an `npm ci --omit=dev` install, never the build stage's dev install", () => {
    const ownInstall = runs(runtime).filter((r) => /\bnpm ci\b/.test(r));
    const copied = runtime.instructions
      .filter((i) => i.keyword === "COPY")
      .map((i) => parseCopy(i.args))
      .filter((c) => c.sources.some((s) => path.posix.basename(s) === "node_modules"));
    expect(ownInstall.length + copied.length, "node_modules come from somewhere").toBeGreaterThan(0);
    for (const install of ownInstall) expect(install).toMatch(/--omit=dev\b/);
    for (const copy of copied) {
      const source = stageNamed(copy.from ?? "");
      expect(source, `COPY --from=${copy.from} names a stage`).toBeDefined();
      const installs = runs(source as Stage).filter((r) => /\bnpm (ci|install)\b/.test(r));
      expect(installs.length).toBeGreaterThan(0);
      for (const install of installs) expect(install).toMatch(/\bnpm ci\b.*--omit=dev\b/);
    }
  });

  it("compiles with the package's own build script", () => {
    const build = dockerfile.stages.filter((s) => runs(s).some((r) => /\bnpm run build\b/.test(r)));
    expect(build.length).toBeGreaterThan(0);
    expect(packageJson.scripts.build).toContain("tsconfig.build.json");
  });

  it("has the knowledge base in place before the build, which stores its answer model", () => {
    const kb = path.relative(root, BUILTIN_KB_DIR).split(path.sep).join("/");
    for (const stage of dockerfile.stages) {
      const buildAt = stage.instructions.findIndex((i) => i.keyword === "RUN" && /\bnpm run build\b/.test(i.args));
      if (buildAt < 0) continue;
      const copiedBefore = stage.instructions
        .slice(0, buildAt)
        .filter((i) => i.keyword === "COPY")
        .flatMap((i) => parseCopy(i.args).sources);
      expect(
        copiedBefore.some((source) => kb === source || kb.startsWith(`${source}/`)),
        `${kb} is copied before npm run build`,
      ).toBe(true);
    }
  });
});

describe("Dockerfile runtime stage", () => {
  it("runs as a non-root user from before the CMD", () => {
    const users = runtime.instructions.filter((i) => i.keyword === "USER");
    const cmd = runtime.instructions.findIndex((i) => i.keyword === "CMD");
    const lastUser = users.at(-1);
    expect(lastUser).toBeDefined();
    expect(runtime.instructions.indexOf(lastUser as (typeof users)[number])).toBeLessThan(cmd);
    expect((lastUser?.args ?? "").split(":")[0]).not.toMatch(/^(root|0)$/);
  });

  it("sets NODE_ENV=production", () => {
    const env = runtime.instructions
      .filter((i) => i.keyword === "ENV")
      .map((i) => i.args)
      .join(" ");
    expect(env).toMatch(/\bNODE_ENV=production\b/);
  });

  it("bounds the heap with NODE_OPTIONS and node flags that node accepts, fixes malloc's mmap threshold, and the README's plain-Node command uses the same", async () => {
    const env = runtime.instructions
      .filter((i) => i.keyword === "ENV")
      .map((i) => i.args)
      .join(" ");
    const options = /NODE_OPTIONS="([^"]*)"/.exec(env)?.[1] ?? "";
    expect(options).toMatch(/--max-old-space-size=\d+/);
    const cmd = execForm(
      only(
        runtime.instructions.filter((i) => i.keyword === "CMD"),
        "one CMD",
      ).args,
    );
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    expect(readme).toContain(`NODE_OPTIONS="${options}" ${cmd.join(" ")}`);
    // glibc's malloc keeps a fixed mmap threshold (freed large blocks go back to the system), in the image and in the README's command alike.
    const mmapThreshold = /\bMALLOC_MMAP_THRESHOLD_=(\d+)\b/.exec(env)?.[1];
    expect(Number(mmapThreshold)).toBeGreaterThan(0);
    expect(readme).toContain(`MALLOC_MMAP_THRESHOLD_=${mmapThreshold} NODE_OPTIONS="${options}" ${cmd.join(" ")}`);
    // A flag node refuses in NODE_OPTIONS (most V8 flags) would stop the container at its first start.
    await expect(promisify(execFile)(process.execPath, ["-e", "0"], { env: { ...process.env, NODE_OPTIONS: options } })).resolves.toBeDefined();
    await expect(promisify(execFile)(process.execPath, [...cmd.slice(1, cmd.indexOf("dist/cli.js")), "-e", "0"])).resolves.toBeDefined();
  });

  it("exposes the port the config listens on by default", () => {
    const expose = only(
      runtime.instructions.filter((i) => i.keyword === "EXPOSE"),
      "one EXPOSE",
    ).args;
    expect(Number(expose.split("/")[0])).toBe(loadConfig({}).port);
  });

  it("starts `railcache start` from the compiled CLI that the build produces", () => {
    const cmd = execForm(
      only(
        runtime.instructions.filter((i) => i.keyword === "CMD"),
        "one CMD",
      ).args,
    );
    expect(cmd).toEqual(["node", "--optimize-for-size", "dist/cli.js", "start"]);
    // dist/cli.js is tsc's output for src/cli.ts, and the same file package.json's bin runs.
    expect(buildTsconfig.compilerOptions).toMatchObject({ rootDir: "src", outDir: "dist" });
    expect(existsSync(path.join(root, "src/cli.ts"))).toBe(true);
    expect(Object.values(packageJson.bin)).toContain("dist/cli.js");
  });

  it("copies only paths that exist in the repository, are not .dockerignored, or are built by an earlier stage", () => {
    for (const stage of dockerfile.stages) {
      for (const copy of stage.instructions.filter((i) => i.keyword === "COPY").map((i) => parseCopy(i.args))) {
        for (const source of copy.sources) {
          if (copy.from === undefined && /[[*?]/.test(source)) {
            // An optional file: Docker accepts a pattern matching nothing only beside a source that exists.
            expect(
              copy.sources.some((other) => !/[[*?]/.test(other) && existsSync(path.join(root, other))),
              `${source} has a companion`,
            ).toBe(true);
            expect(ignored(source.replace(/\[(\w)\]/g, "$1")), `${source} is not in .dockerignore`).toBe(false);
            continue;
          }
          if (copy.from === undefined) {
            expect(existsSync(path.join(root, source)), `${source} exists`).toBe(true);
            expect(ignored(source), `${source} is not in .dockerignore`).toBe(false);
            continue;
          }
          const from = stageNamed(copy.from) as Stage;
          expect(from, `stage ${copy.from}`).toBeDefined();
          const relative = path.posix.relative(workdirOf(from), source);
          const produced =
            (relative === "node_modules" && runs(from).some((r) => /\bnpm ci\b/.test(r))) ||
            (relative === buildTsconfig.compilerOptions.outDir && runs(from).some((r) => /\bnpm run build\b/.test(r)));
          expect(produced, `${source} is produced in stage ${copy.from}`).toBe(true);
        }
      }
    }
  });

  it("copies the repository's railcache.toml, when there is one, to where railcache looks for it by default", () => {
    const copy = runtime.instructions
      .filter((i) => i.keyword === "COPY")
      .map((i) => parseCopy(i.args))
      .find((c) => c.from === undefined && c.sources.some((source) => /^railcache\.tom\[l\]$/.test(source)));
    expect(copy, "COPY ... railcache.tom[l] ./").toBeDefined();
    const destination = path.posix.resolve(workdirOf(runtime), copy?.destination ?? "");
    expect(path.posix.join(destination, "railcache.toml")).toBe(path.posix.resolve(workdirOf(runtime), loadConfig({}).policyPath));
  });

  it("ships the files the compiled code reads at run time: the knowledge base and Railway's schema", () => {
    const copiedIntoApp = runtime.instructions
      .filter((i) => i.keyword === "COPY")
      .map((i) => parseCopy(i.args))
      .filter((c) => c.from === undefined)
      .flatMap((c) => c.sources);
    for (const needed of [BUILTIN_KB_DIR, defaultSchemaPath]) {
      const relative = path.relative(root, needed).split(path.sep).join("/");
      expect(
        copiedIntoApp.some((source) => relative === source || relative.startsWith(`${source}/`)),
        `${relative} is copied`,
      ).toBe(true);
    }
  });
});

describe("Dockerfile team runbooks", () => {
  /** RAILCACHE_KB_DIR as the stage's ENV instructions before `index` set it. */
  const kbDirBefore = (stage: Stage, index = stage.instructions.length) =>
    stage.instructions
      .slice(0, index)
      .filter((i) => i.keyword === "ENV")
      .map((i) => /\bRAILCACHE_KB_DIR=(\S+)/.exec(i.args)?.[1])
      .filter((value) => value !== undefined)
      .at(-1);
  /** Where the stage's COPY instructions from the build context put `source`, as absolute paths. */
  const copiedTo = (stage: Stage, source: string, index = stage.instructions.length) =>
    stage.instructions
      .slice(0, index)
      .filter((i) => i.keyword === "COPY")
      .map((i) => parseCopy(i.args))
      .filter((c) => c.from === undefined && c.sources.length === 1 && c.sources[0] === source)
      .map((c) => path.posix.resolve(workdirOf(stage), c.destination));

  it("stores the answer model of the repository's runbooks/ at image build, where the runtime reads them", () => {
    expect(existsSync(path.join(root, "runbooks")), "runbooks/ is in the repository").toBe(true);
    const build = only(
      dockerfile.stages.filter((s) => runs(s).some((r) => /\bbuild-answer-model\.js\b/.test(r))),
      "one stage stores the team's model",
    );
    const storeAt = build.instructions.findIndex((i) => i.keyword === "RUN" && /\bbuild-answer-model\.js\b/.test(i.args));
    const kbDir = kbDirBefore(build, storeAt);
    expect(kbDir, "RAILCACHE_KB_DIR is set before the model is stored").toMatch(/^\//);
    expect(copiedTo(build, "runbooks", storeAt)).toContain(kbDir);
    // The stored model is found by a hash of the folder's path and files: the runtime must read the same folder at the same path.
    expect(kbDirBefore(runtime)).toBe(kbDir);
    expect(copiedTo(runtime, "runbooks")).toContain(kbDir);
    expect(workdirOf(runtime)).toBe(workdirOf(build));
  });
});

/** Packages src/ loads at run time: value imports, re-exports and dynamic import(), not `import type`. */
function runtimePackages(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
    const file = path.join(entry.parentPath, entry.name);
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const note = (specifier: ts.Expression | undefined) => {
      if (!specifier || !ts.isStringLiteral(specifier) || specifier.text.startsWith(".")) return;
      const parts = specifier.text.split("/");
      found.set(specifier.text.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] as string), path.relative(root, file));
    };
    const visit = (node: ts.Node) => {
      if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) note(node.moduleSpecifier);
      if (ts.isExportDeclaration(node) && !node.isTypeOnly) note(node.moduleSpecifier);
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) note(node.arguments[0]);
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

describe("production dependencies", () => {
  it("declares every package the compiled code loads as a dependency, so `npm ci --omit=dev` is enough to run", () => {
    const packages = runtimePackages(path.join(root, "src"));
    expect(packages.size).toBeGreaterThan(5);
    for (const [name, file] of packages) {
      if (name.startsWith("node:") || builtinModules.includes(name)) continue;
      expect(Object.keys(packageJson.dependencies), `${name} (imported by ${file})`).toContain(name);
    }
  });
});

describe("Dockerfile HEALTHCHECK", () => {
  let http: HttpServer;
  let port: number;

  beforeAll(async () => {
    http = createHttpServer({
      metrics: createMetrics({ processMetrics: false }),
      readiness: async () => ({ ready: false, checks: { store: false } }),
      log: silentLogger(),
    });
    port = await http.listen(0, "127.0.0.1");
  });
  afterAll(() => http.close(100));

  it("uses node itself (slim images have no curl or wget) against /healthz", () => {
    const cmd = healthcheckCommand();
    expect(cmd[0]).toBe("node");
    expect(cmd.join(" ")).toContain("/healthz");
  });

  it("succeeds against the real HTTP server on $PORT", async () => {
    const [command, ...args] = healthcheckCommand();
    const result = await promisify(execFile)(command as string, args, { env: { ...process.env, PORT: String(port) }, timeout: 10_000 });
    expect(result.stderr).toBe("");
  });

  it("fails when nothing answers on $PORT", async () => {
    const [command, ...args] = healthcheckCommand();
    const closed = createHttpServer({
      metrics: createMetrics({ processMetrics: false }),
      readiness: async () => ({ ready: true, checks: {} }),
      log: silentLogger(),
    });
    const freePort = await closed.listen(0, "127.0.0.1");
    await closed.close();
    await expect(promisify(execFile)(command as string, args, { env: { ...process.env, PORT: String(freePort) }, timeout: 10_000 })).rejects.toMatchObject({
      code: 1,
    });
  });
});

describe(".dockerignore", () => {
  it("keeps dependencies, git history, local databases and secrets out of the build context", () => {
    for (const path of ["node_modules", "dist", ".git", ".env", ".railcache"]) expect(ignored(path), path).toBe(true);
    expect(dockerignore).toContain("*.db");
  });
});
