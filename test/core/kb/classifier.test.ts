import { describe, expect, it } from "vitest";
import { classifyLog } from "../../../src/core/kb/index.js";

const SP = "/opt/venv/lib/python3.12/site-packages";

describe("classifyLog", () => {
  it("recognises a FieldError in a full Django request traceback and returns its line", () => {
    const log = [
      "Internal Server Error: /orders/",
      "Traceback (most recent call last):",
      `  File "${SP}/django/core/handlers/exception.py", line 55, in inner`,
      "    response = get_response(request)",
      `  File "${SP}/django/db/models/sql/query.py", line 1768, in names_to_path`,
      "    raise FieldError(",
      "django.core.exceptions.FieldError: Cannot resolve keyword 'tier' into field. Choices are: id, name",
    ].join("\n");
    const [first] = classifyLog(log);
    expect(first).toMatchObject({ signature: "field_error", cause: "stale_cache" });
    expect(first?.lines).toEqual(["django.core.exceptions.FieldError: Cannot resolve keyword 'tier' into field. Choices are: id, name"]);
  });

  it.each([
    ["FieldError: Invalid field name(s) given in select_related: 'team'", "field_error", "stale_cache"],
    ["ModuleNotFoundError: No module named 'payments.apps'", "import_error", "stale_cache"],
    ["ImportError: cannot import name 'Invoice' from 'billing.models' (/app/billing/models.py)", "import_error", "stale_cache"],
    ["LookupError: No installed app with label 'crm'.", "no_installed_app", "stale_cache"],
    ["LookupError: App 'reports' doesn't have a 'Snapshot' model.", "missing_model", "stale_cache"],
    [
      "RuntimeError: Model class notes.models.Digest doesn't declare an explicit app_label and isn't in an application in INSTALLED_APPS.",
      "app_label",
      "stale_cache",
    ],
    ["psycopg2.errors.UndefinedColumn: column accounts_profile.tz does not exist", "undefined_column", "missing_migration"],
    ['django.db.utils.ProgrammingError: column "tz" of relation "accounts_profile" does not exist', "undefined_column", "missing_migration"],
    ['django.db.utils.ProgrammingError: relation "django_session" does not exist', "undefined_relation", "missing_migration"],
    ["django.db.utils.OperationalError: no such table: shop_cartitem", "sqlite_missing", "missing_migration"],
    ["django.core.exceptions.AppRegistryNotReady: Apps aren't loaded yet.", "app_registry", "stale_cache"],
  ])("classifies %j", (line, signature, cause) => {
    const matches = classifyLog(`some context\n${line}\nmore context`);
    expect(matches[0]).toMatchObject({ signature, cause, lines: [line] });
  });

  it("flags 500s only together with a production context", () => {
    expect(classifyLog("prod returns 500 on /checkout")[0]?.signature).toBe("prod_only_500");
    expect(classifyLog("GET /health 500 Internal Server Error")).toEqual([]);
    expect(classifyLog("our railway bill was $500 per month on production")).toEqual([]);
  });

  it("ignores the raise statement inside a frame and unrelated errors", () => {
    expect(classifyLog("    raise FieldError(\nKeyError: 'SECRET_KEY'")).toEqual([]);
  });

  it("reports several signatures strongest first with at most three lines each", () => {
    const log = [
      ...Array.from({ length: 5 }, (_, i) => `ImportError: cannot import name 'X${i}' from 'a'`),
      'psycopg.errors.UndefinedTable: relation "orders_refund" does not exist',
    ].join("\n");
    const matches = classifyLog(log);
    expect(matches.map((m) => m.signature)).toEqual(["undefined_relation", "import_error"]);
    expect(matches[1]?.lines).toHaveLength(3);
  });

  it("scans a huge log tail in bounded time and finds the error at its end", () => {
    const log = `${"INFO build step ok\n".repeat(20_000)}django.core.exceptions.FieldError: Unknown field(s) (x) specified for Order`;
    expect(classifyLog(log)[0]?.signature).toBe("field_error");
  });
});
