import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * The layering rule of the architecture, checked on the source itself: core (src/core) is
 * platform-free. It imports core, a few process-wide helpers, node's non-network built-ins and
 * the parsing libraries below; every port it needs lives in src/core/ports and is implemented
 * outside core. eslint's no-restricted-imports names what is forbidden; this names what is allowed,
 * so a new dependency (a dynamic import, a re-export, a new SDK) is refused until someone decides.
 */
const root = path.resolve(import.meta.dirname, "../..");
const core = path.join(root, "src/core");

/** Files outside core that core may import: logging and secret redaction, used everywhere. */
const allowedOutside = new Set(["src/log.ts", "src/redact.ts", "src/censor.ts"]);
/** Packages core may import: schema validation, the config/content parsers and the Markdown parser of reply bodies. */
const allowedPackages = new Set(["zod", "@iarna/toml", "js-yaml", "marked", "damerau-levenshtein"]);
/** node built-ins core must not use: network and servers belong to adapters, src/http and src/railway. */
const networkBuiltins = new Set(["http", "https", "http2", "net", "tls", "dgram", "dns"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

/** Every module a file imports: static, type-only, re-exports and dynamic `import()`. */
function importsIn(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** Why `specifier`, imported from `file`, breaks the rule; undefined when it is allowed. */
function violation(file: string, specifier: string): string | undefined {
  if (specifier.startsWith(".")) {
    const target = path
      .relative(root, path.resolve(path.dirname(file), specifier))
      .replace(/\.js$/, ".ts")
      .split(path.sep)
      .join("/");
    if (target.startsWith("src/core/") || allowedOutside.has(target)) return undefined;
    return `imports ${target}, outside core`;
  }
  const bare = specifier.replace(/^node:/, "");
  const builtin = builtinModules.includes(bare) || specifier.startsWith("node:");
  if (builtin) return networkBuiltins.has(bare.split("/")[0]!) ? `imports the network built-in ${specifier}` : undefined;
  const name = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!;
  return allowedPackages.has(name) ? undefined : `imports the package ${name}`;
}

describe("core's import boundary", () => {
  it("imports nothing outside core but logging, redaction, non-network built-ins and its parsers", () => {
    const problems = sourceFiles(core).flatMap((file) =>
      importsIn(readFileSync(file, "utf8"))
        .map((specifier) => violation(file, specifier))
        .filter((why): why is string => why !== undefined)
        .map((why) => `${path.relative(root, file)} ${why}`),
    );
    expect(problems).toEqual([]);
  });

  it("refuses an adapter, an implementation of a port, an SDK and the network, whichever way they are imported", () => {
    const file = path.join(core, "watcher/any.ts");
    expect(violation(file, "../../railway/client.js")).toBe("imports src/railway/client.ts, outside core");
    expect(violation(file, "../../store/sqlite/sqlite-store.js")).toBe("imports src/store/sqlite/sqlite-store.ts, outside core");
    expect(violation(file, "../../adapters/slack/app.js")).toBe("imports src/adapters/slack/app.ts, outside core");
    expect(violation(file, "@slack/bolt")).toBe("imports the package @slack/bolt");
    expect(violation(file, "discord.js")).toBe("imports the package discord.js");
    expect(violation(file, "node:http")).toBe("imports the network built-in node:http");
    expect(violation(file, "../ports/railway.js")).toBeUndefined();
    expect(importsIn('const http = await import("../http/server.js");\nexport * from "pg";')).toEqual(["../http/server.js", "pg"]);
  });
});
