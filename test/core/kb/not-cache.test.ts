import { describe, expect, it } from "vitest";
import { classifyLog, createAnswerEngine, loadKnowledgeBase } from "../../../src/core/kb/index.js";
import { findNotCacheError } from "../../../src/core/kb/not-cache.js";

const SP = "/opt/venv/lib/python3.11/site-packages";

describe("findNotCacheError", () => {
  it.each([
    ["SyntaxError: '(' was never closed", "a syntax error in the code"],
    ["django.core.exceptions.ImproperlyConfigured: The SECRET_KEY setting must not be empty.", "a missing setting or environment variable"],
    ["KeyError: 'DATABASE_URL'", "a missing setting or environment variable"],
    ["[ERROR] Connection in use: ('0.0.0.0', 8000)", "a port or start-up problem"],
    ['psycopg.OperationalError: connection failed: could not translate host name "db" to address', "a database connection problem"],
    ["ERROR: No matching distribution found for Djangoo==5.1", "a dependency that cannot be installed"],
    ["Invalid HTTP_HOST header: 'x.up.railway.app'. You may need to add 'x.up.railway.app' to ALLOWED_HOSTS.", "a host or CSRF setting"],
    ["ImportError: cannot import name 'A' from partially initialized module 'api.models' (most likely due to a circular import)", "a circular import in the code"],
  ])("recognises %s", (line, label) => {
    expect(findNotCacheError(`Traceback (most recent call last):\n  File "/app/x.py", line 1\n${line}`)).toEqual({ label, line });
  });

  it("finds nothing in a stale-cache error", () => {
    expect(findNotCacheError("django.core.exceptions.FieldError: Cannot resolve keyword 'tier' into field.")).toBeNull();
    expect(findNotCacheError("how do I clear the build cache?")).toBeNull();
  });

  it("keeps a circular import out of the stale-cache signatures", () => {
    expect(classifyLog("ImportError: cannot import name 'A' from partially initialized module 'api.models' (most likely due to a circular import)")).toEqual([]);
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
