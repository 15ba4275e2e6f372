import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { classifyLog, createAnswerEngine, loadKnowledgeBase } from "../../../src/core/kb/index.js";
import { findMissingPackage } from "../../../src/core/kb/missing-package.js";
import { findNotCacheError } from "../../../src/core/kb/not-cache.js";

const SP = "/opt/venv/lib/python3.11/site-packages";

describe("findNotCacheError", () => {
  it.each([
    ["SyntaxError: '(' was never closed", "syntax", "a syntax error in the code"],
    ["django.core.exceptions.ImproperlyConfigured: The SECRET_KEY setting must not be empty.", "setting", "a missing setting or environment variable"],
    ["KeyError: 'DATABASE_URL'", "setting", "a missing setting or environment variable"],
    ["[ERROR] Connection in use: ('0.0.0.0', 8000)", "startup", "a port or start-up problem"],
    ['psycopg.OperationalError: connection failed: could not translate host name "db" to address', "db_connection", "a database connection problem"],
    ["ERROR: No matching distribution found for Djangoo==5.1", "dependency", "a dependency that cannot be installed"],
    ["Invalid HTTP_HOST header: 'x.up.railway.app'. You may need to add 'x.up.railway.app' to ALLOWED_HOSTS.", "host", "a host or CSRF setting"],
    [
      "ImportError: cannot import name 'A' from partially initialized module 'api.models' (most likely due to a circular import)",
      "circular_import",
      "a circular import in the code",
    ],
  ])("recognises %s", (line, kind, label) => {
    expect(findNotCacheError(`Traceback (most recent call last):\n  File "/app/x.py", line 1\n${line}`)).toEqual({ kind, label, line });
  });

  it("finds nothing in a stale-cache error", () => {
    expect(findNotCacheError("django.core.exceptions.FieldError: Cannot resolve keyword 'tier' into field.")).toBeNull();
    expect(findNotCacheError("how do I clear the build cache?")).toBeNull();
  });

  it("keeps a circular import out of the stale-cache signatures", () => {
    expect(classifyLog("ImportError: cannot import name 'A' from partially initialized module 'api.models' (most likely due to a circular import)")).toEqual(
      [],
    );
  });
});

describe("answer engine with errors a stale cache does not cause", () => {
  const engine = createAnswerEngine(loadKnowledgeBase());

  it("does not sell a SyntaxError in a failed deploy as a stale cache, and names the error", () => {
    const log = [
      "railway deploy failed after the cache cleared:",
      "Traceback (most recent call last):",
      `  File "${SP}/gunicorn/arbiter.py", line 609, in spawn_worker`,
      '  File "/app/shop/views.py", line 88',
      "SyntaxError: '(' was never closed",
    ].join("\n");
    const result = engine.answer(log);
    expect(result.matched).toBe(false);
    expect(result.answer).toMatch(/^That looks like a syntax error in the code \(`SyntaxError: '\(' was never closed`\), not a stale build cache/);
  });

  it("still answers a stale-cache signature when a 500 line is all that sits beside it", () => {
    const result = engine.answer("Internal Server Error: /orders/\ndjango.core.exceptions.FieldError: Cannot resolve keyword 'tier' into field.");
    expect(result.section?.id).toBe("symptoms");
  });

  it("rejects a missing SECRET_KEY even when the message mentions the build cache", () => {
    const result = engine.answer("is this the build cache? ImproperlyConfigured: The SECRET_KEY setting must not be empty.");
    expect(result.matched).toBe(false);
    expect(result.answer).toContain("a missing setting or environment variable");
  });
});

describe("a third-party package missing from requirements.txt", () => {
  const engine = createAnswerEngine(loadKnowledgeBase());

  it.each([
    ["ModuleNotFoundError: No module named 'psycopg2'", { importName: "psycopg2", pypiName: "psycopg2-binary" }],
    ["ImportError: No module named dj_database_url", { importName: "dj_database_url", pypiName: "dj-database-url" }],
    ["ModuleNotFoundError: No module named 'PIL'", { importName: "PIL", pypiName: "Pillow" }],
    ["ModuleNotFoundError: No module named 'distutils'", { importName: "distutils", pypiName: "setuptools" }],
    ["django.core.exceptions.ImproperlyConfigured: Error loading psycopg2 or psycopg module", { importName: "psycopg2", pypiName: "psycopg2-binary" }],
    [
      "ModuleNotFoundError: No module named 'rest_framework.authtoken'",
      { importName: "rest_framework", pypiName: "djangorestframework", missingPart: "rest_framework.authtoken" },
    ],
    [
      "ImportError: cannot import name 'S3Storage' from 'storages.backends.s3' (/opt/venv/x.py)",
      { importName: "storages", pypiName: "django-storages", missingPart: "S3Storage" },
    ],
  ])("recognises %s", (line, expected) => {
    expect(findMissingPackage(line)).toEqual(expected);
  });

  it.each([
    "ModuleNotFoundError: No module named 'accounts.signals'",
    "ModuleNotFoundError: No module named 'config.settings.production'",
    "ModuleNotFoundError: No module named 'billing'",
    "ImportError: cannot import name 'Invoice' from 'billing.models'",
    "ImportError: cannot import name 'A' from partially initialized module 'celery' (most likely due to a circular import)",
  ])("leaves the project's own module (or a circular import) alone: %s", (line) => {
    expect(findMissingPackage(line)).toBeNull();
  });

  it("keeps a missing third-party package out of the stale-cache signatures, but not the project's own module", () => {
    expect(classifyLog("ModuleNotFoundError: No module named 'psycopg2'")).toEqual([]);
    expect(classifyLog("ModuleNotFoundError: No module named 'rest_framework.authtoken'")).toEqual([]);
    expect(classifyLog("ModuleNotFoundError: No module named 'payments.apps'")[0]?.signature).toBe("import_error");
  });

  it("names the PyPI package to add and still offers the cache clear as the fallback", () => {
    const result = engine.answer("ModuleNotFoundError: No module named 'PIL'");
    expect(result.matched).toBe(false);
    expect(result.answer).toMatch(
      /^That looks like a Python package missing from requirements\.txt \(`ModuleNotFoundError: No module named 'PIL'`\) rather than a stale build cache\.\n/,
    );
    // The cache is the fallback here, so the lead must not rule it out.
    expect(result.answer).not.toContain("will not fix");
    expect(result.answer).toContain("Add `Pillow` to requirements.txt (it provides the `PIL` module), then commit and push");
    expect(result.answer.split("\n").at(-1)).toMatch(/already in requirements\.txt .*stale build cache.*`\/railcache clear <service>`/);
  });

  it("finds the missing package in a long traceback under the error Django wraps it in", () => {
    const log = [
      "INFO build step ok\n".repeat(2_500),
      "Traceback (most recent call last):",
      `  File "${SP}/django/utils/module_loading.py", line 15, in cached_import`,
      "ModuleNotFoundError: No module named 'corsheaders'",
      "",
      "The above exception was the direct cause of the following exception:",
      "",
      "django.core.exceptions.ImproperlyConfigured: WSGI application 'config.wsgi.application' could not be loaded; Error importing module.",
    ].join("\n");
    expect(log.length).toBeGreaterThan(45_000);
    const result = engine.answer(log);
    expect(result.matched).toBe(false);
    expect(result.answer).toContain("Add `django-cors-headers` to requirements.txt");
  });

  it("still answers the project's own missing module as a stale cache", () => {
    expect(engine.answer("ModuleNotFoundError: No module named 'dashboard.widgets'").section?.id).toBe("symptoms");
  });

  it("asks for a version that has a missing submodule of an installed package", () => {
    const result = engine.answer("ModuleNotFoundError: No module named 'rest_framework.authtoken'");
    expect(result.matched).toBe(false);
    expect(result.answer).toContain(
      "Make sure `djangorestframework` is in requirements.txt (it provides the `rest_framework` module), pinned to a version that has `rest_framework.authtoken`",
    );
  });

  // The m batch of the probe fixtures: each pasted traceback must get the package answer.
  it("has the m batch of probe fixtures", () => {
    expect(missingPackageFixtures().length).toBeGreaterThanOrEqual(6);
  });

  it.each(missingPackageFixtures())("answers fixture $id as a missing package, not a stale cache", ({ text }) => {
    const result = engine.answer(text);
    expect(result.matched).toBe(false);
    expect(result.answer).toMatch(/^That looks like a Python package (?:missing from requirements\.txt|at the wrong version)/);
  });
});

function missingPackageFixtures(): { id: string; text: string }[] {
  const text = readFileSync(new URL("../../fixtures/questions-probes.jsonl", import.meta.url), "utf8");
  const questions = text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as { id: string; text: string });
  return questions.filter((q) => /^m\d+$/.test(q.id));
}
