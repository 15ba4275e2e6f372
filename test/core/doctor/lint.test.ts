import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { findingsToJson, formatFindings, hasProblems, lintProject, lintRequirements, type Finding } from "../../../src/core/doctor/index.js";

const fixtures = join(import.meta.dirname, "../../fixtures/projects");
const TODAY = Date.UTC(2026, 10, 25, 9);
const lint = (name: string, now = TODAY) => lintProject(join(fixtures, name), { now });
const find = (findings: Finding[], pattern: RegExp) => findings.filter((f) => pattern.test(f.message));

let temp: string | undefined;
afterEach(() => {
  if (temp) rmSync(temp, { recursive: true, force: true });
  temp = undefined;
});

describe("lintProject: the guide's own setup", () => {
  const findings = lint("guide-project");

  it("flags [build.nixpacksPhase] as a key Railway ignores, with its line and the real form", () => {
    const [finding] = find(findings, /nixpacksPhase/);
    expect(finding).toMatchObject({ severity: "error", file: "railway.toml", line: 5 });
    expect(finding!.fix).toContain("[build.nixpacksPlan.phases.install]");
  });

  it("flags --no-cache-dir left in the install command", () => {
    expect(find(findings, /--no-cache-dir/)).toEqual([expect.objectContaining({ severity: "warning", file: "railway.toml", line: 8 })]);
  });

  it("says how many days are left before railway.toml stops being read, and what to do", () => {
    const [finding] = find(findings, /Config as code is deprecated/);
    expect(finding!.message).toContain("config files stop being read on 2026-12-01, in 6 days");
    expect(finding!.fix).toContain("railway config migrate");
    expect(finding!.fix).toContain(".railway/railway.ts");
  });

  it("warns that migrations set only in railway.toml will silently stop", () => {
    expect(find(findings, /Migrations run only from railway.toml/)).toEqual([expect.objectContaining({ line: 12, severity: "warning" })]);
  });

  it("flags an unpinned package with its line", () => {
    expect(find(findings, /whitenoise/)).toEqual([expect.objectContaining({ file: "requirements.txt", line: 5 })]);
  });
});

describe("lintProject: other projects", () => {
  it("finds nothing wrong in a pinned Django project that migrates from .railway/railway.ts", () => {
    expect(lint("clean-project")).toEqual([]);
    expect(hasProblems(lint("clean-project"))).toBe(false);
  });

  it("reports a TOML syntax error with its line", () => {
    const [finding] = find(lint("broken-toml"), /not valid TOML/);
    expect(finding).toMatchObject({ severity: "error", file: "railway.toml", line: 5 });
  });

  it("reports a JSON syntax error with its line", () => {
    temp = mkdtempSync(join(tmpdir(), "railcache-doctor-"));
    writeFileSync(join(temp, "railway.json"), '{\n  "build": {\n    "builder": "NIXPACKS"\n    "buildCommand": "make"\n  }\n}\n');
    const [finding] = find(lintProject(temp, { now: TODAY }), /not valid JSON/);
    expect(finding).toMatchObject({ severity: "error", file: "railway.json", line: 4 });
  });

  // Keys looked up in the known shape must be its own: `constructor` found Object.prototype's and passed as known.
  it("flags a key named like an object's own property (constructor, toString) as unknown", () => {
    temp = mkdtempSync(join(tmpdir(), "railcache-doctor-"));
    writeFileSync(join(temp, "railway.toml"), '[build]\nconstructor = "x"\ntoString = 1\n[deploy]\nstartCommand = "gunicorn app.wsgi"\n');
    const findings = find(lintProject(temp, { now: TODAY }), /is not a key Railway knows/);
    expect(findings.map((f) => [f.message.split(" ")[0], f.line])).toEqual([
      ["[build.constructor]", 2],
      ["[build.toString]", 3],
    ]);
  });

  it("suggests the right name for a misspelt railway.json key", () => {
    const [finding] = find(lint("json-project"), /startComand/);
    expect(finding).toMatchObject({ severity: "error", file: "railway.json", line: 15 });
    expect(finding!.message).toContain("Did you mean `startCommand`?");
  });

  it("accepts the documented nixpacksPlan form but still flags --no-cache-dir in it", () => {
    const findings = lint("json-project");
    expect(find(findings, /is not a key Railway knows/)).toHaveLength(1);
    expect(find(findings, /--no-cache-dir/)).toEqual([expect.objectContaining({ file: "railway.json", line: 9 })]);
  });

  it("flags NO_CACHE set permanently in a committed .env", () => {
    expect(find(lint("json-project"), /NO_CACHE is set permanently/)).toEqual([expect.objectContaining({ file: ".env", line: 2, severity: "warning" })]);
  });

  it("flags a Django project that never runs migrations", () => {
    const [finding] = find(lint("no-migrations"), /migrations do not run on deploy/);
    expect(finding).toMatchObject({ file: "Procfile", line: 1, severity: "warning" });
    expect(finding!.message).toContain("`web: gunicorn shop.wsgi --bind 0.0.0.0:$PORT` replaces Railpack's default start command");
  });

  it("does not ask a project without manage.py for Django or migrations", () => {
    expect(lint("not-django")).toEqual([]);
  });

  it("once the cutoff has passed, says what was announced and where to see whether a service still reads the file, never that it 'stops'", () => {
    const after = lint("guide-project", Date.UTC(2026, 11, 2));
    const [deprecation] = find(after, /Config as code is deprecated/);
    expect(deprecation!.message).toContain("Railway announced 2026-12-01 as the cutoff");
    expect(deprecation!.message).toContain("`railwayConfigFile`");
    expect(find(after, /Migrations run only from railway.toml/)).toHaveLength(1);
    for (const f of after) expect(`${f.message} ${f.fix}`).not.toMatch(/\bstops?\b[^.]*(read|2026-12-01)|\bstopped reading\b/i);
  });

  it("counts down to one day on the last day before the cutoff", () => {
    temp = mkdtempSync(join(tmpdir(), "railcache-doctor-"));
    cpSync(join(fixtures, "guide-project"), temp, { recursive: true });
    expect(find(lintProject(temp, { now: Date.UTC(2026, 10, 30, 12) }), /in 1 day\./)).toHaveLength(1);
  });
});

describe("lintProject: how real projects start", () => {
  const project = (files: Record<string, string | Buffer>) => {
    temp = mkdtempSync(join(tmpdir(), "railcache-doctor-"));
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(dirname(join(temp, name)), { recursive: true });
      writeFileSync(join(temp, name), content);
    }
    return lintProject(temp, { now: TODAY });
  };
  const django = { "manage.py": "import django\n", "requirements.txt": "Django==5.1.4\ngunicorn==23.0.0\n" };

  it("follows a Procfile web: line into the script it runs before saying 'no migrations'", () => {
    const runs = project({
      ...django,
      Procfile: "web: bash bin/start.sh\n",
      "bin/start.sh": "#!/bin/sh\nset -e\npython manage.py migrate --noinput\nexec gunicorn shop.wsgi\n",
    });
    expect(find(runs, /migrations do not run/)).toEqual([]);
    const doesNot = project({
      ...django,
      Procfile: "web: bash bin/start.sh\n",
      "bin/start.sh": "#!/bin/sh\n# python manage.py migrate\nexec gunicorn shop.wsgi\n",
    });
    expect(find(doesNot, /migrations do not run/)[0]!.message).toContain("read `bin/start.sh` too");
  });

  it("reads a Dockerfile's CMD / ENTRYPOINT (exec form, and the script it runs)", () => {
    expect(
      find(
        project({ ...django, Dockerfile: 'FROM python:3.12\nCOPY . .\nCMD ["sh", "-c", "python manage.py migrate && gunicorn shop.wsgi"]\n' }),
        /migrations do not run/,
      ),
    ).toEqual([]);
    expect(
      find(
        project({
          ...django,
          Dockerfile: 'FROM python:3.12\nCOPY . /app\nENTRYPOINT ["/app/docker/entrypoint.sh"]\n',
          "docker/entrypoint.sh": 'python manage.py migrate\nexec "$@"\n',
        }),
        /migrations do not run/,
      ),
    ).toEqual([]);
    const [finding] = find(project({ ...django, Dockerfile: "FROM python:3.12\nCMD gunicorn shop.wsgi \\\n  --bind 0.0.0.0:8000\n" }), /migrations do not run/);
    expect(finding).toMatchObject({ file: "Dockerfile", line: 2 });
  });

  it("finds manage.py in a subfolder and the requirements beside it", () => {
    const findings = project({ "backend/manage.py": "import django\n", "backend/requirements.txt": "Django==5.1.4\nrequests\n" });
    expect(find(findings, /migrations do not run/)).toEqual([expect.objectContaining({ file: "backend/manage.py" })]);
    expect(find(findings, /`requests` is not pinned/)).toEqual([expect.objectContaining({ file: "backend/requirements.txt", line: 2 })]);
    expect(find(findings, /Django is not in/)).toEqual([]);
  });

  it("reads a UTF-16 requirements file (PowerShell's pip freeze) and says to save it as UTF-8", () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("Django==5.1.4\r\ncelery\r\n", "utf16le")]);
    const findings = project({ ...django, "requirements.txt": utf16, Procfile: "web: python manage.py migrate && gunicorn shop.wsgi\n" });
    expect(find(findings, /UTF-16LE/)).toEqual([expect.objectContaining({ severity: "warning", file: "requirements.txt" })]);
    expect(find(findings, /`celery` is not pinned/)).toEqual([expect.objectContaining({ line: 2 })]);
    expect(find(findings, /Django is not in/)).toEqual([]);
  });

  it("flags a Procfile release: line: Railpack ignores it, Nixpacks ran it at build time without the private network", () => {
    const findings = project({ ...django, Procfile: "release: python manage.py migrate\nweb: gunicorn shop.wsgi\n" });
    const [release] = find(findings, /release: python manage.py migrate/);
    expect(release).toMatchObject({ file: "Procfile", line: 1, severity: "warning" });
    expect(release!.message).toContain("Railpack ignores");
    expect(release!.message).toContain("railway.internal");
    // And the release line does not count as running migrations.
    expect(find(findings, /migrations do not run/)).toEqual([expect.objectContaining({ file: "Procfile", line: 2 })]);
  });
});

describe("lintRequirements", () => {
  it("reports one merge conflict once, duplicates by normalised name, and a missing Django", () => {
    const findings = lintRequirements(
      "gunicorn==23.0.0\n<<<<<<< HEAD\npsycopg2-binary==2.9.9\n=======\npsycopg[binary]==3.2.3\n>>>>>>> b\nGunicorn==22.0.0\n",
      { file: "requirements.txt", isDjango: true },
    );
    expect(find(findings, /Merge-conflict/)).toEqual([expect.objectContaining({ line: 2, severity: "error" })]);
    expect(find(findings, /listed twice \(first on line 1\)/)).toEqual([expect.objectContaining({ line: 7 })]);
    expect(find(findings, /Django is not in requirements.txt/)).toHaveLength(1);
  });

  it("treats ranges and bare names as unpinned, and skips options, comments and URLs", () => {
    const text =
      "-r base.txt\n# comment\nDjango>=5.0\ncelery\nrequests==2.32.3 ; python_version >= '3.9'\ngit+https://github.com/acme/lib.git\nlib @ https://example.com/lib.whl\n";
    const unpinned = find(lintRequirements(text, { file: "requirements.txt", isDjango: true }), /not pinned/).map((f) => f.line);
    expect(unpinned).toEqual([3, 4]);
  });
});

describe("doctor output", () => {
  it("prints file:line, severity, message and fix, then a summary", () => {
    const text = formatFindings(lint("broken-toml"), { dir: "broken-toml" });
    expect(text).toMatch(/^railway\.toml:5 {2}error {2}railway\.toml is not valid TOML/);
    expect(text).toContain("    fix: ");
    expect(text.trimEnd().endsWith("1 error, 1 warning, 0 info in broken-toml.")).toBe(true);
  });

  it("gives a JSON form with a summary", () => {
    const json = findingsToJson(lint("json-project"));
    expect(json.summary).toEqual({ errors: 3, warnings: 5, infos: 0 });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});
