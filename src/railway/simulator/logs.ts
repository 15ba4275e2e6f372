/**
 * Realistic build and deploy log lines for the simulator, shaped like what a Django service on
 * Railway prints: Railpack/Nixpacks build steps, migrations, gunicorn, and the tracebacks of
 * the failures the scenarios stage.
 */
import type { SimInstance, SimLog, SimService } from "./world.js";

export interface Failure {
  kind: "stale_cache" | "syntax" | "missing_package";
  status: "FAILED" | "CRASHED";
}

type At = (offsetMs: number) => number;

const info = (message: string, timestamp: number): SimLog => ({ message, timestamp, severity: "info" });
const error = (message: string, timestamp: number): SimLog => ({ message, timestamp, severity: "error" });

/** The build log; the cache line is what tests and the clear workflow look for. */
export function buildLogLines(input: { service: SimService; usedCache: boolean; at: At; builder: string }): SimLog[] {
  const { usedCache, at } = input;
  const lines: SimLog[] = [
    info("[Region: us-west1]", at(0)),
    info(`Using ${input.builder === "NIXPACKS" ? "Nixpacks" : "Railpack"}`, at(10)),
    info(`Detected Python (Django) in ${input.service.repo ?? input.service.name}`, at(20)),
  ];
  if (usedCache) {
    lines.push(
      info("using cached layers", at(30)),
      info("#7 [install 2/2] RUN pip install -r requirements.txt", at(40)),
      info("#7 CACHED", at(50)),
      info("#8 [build 1/1] RUN python manage.py collectstatic --noinput", at(60)),
      info("#8 CACHED", at(70)),
      info("Build time: 24.18 seconds", at(80)),
    );
  } else {
    lines.push(
      info("cache disabled (NO_CACHE)", at(30)),
      info("#7 [install 2/2] RUN pip install -r requirements.txt", at(40)),
      info("Collecting Django==5.1.4 (from -r requirements.txt (line 1))", at(50)),
      info("Collecting gunicorn==23.0.0 (from -r requirements.txt (line 2))", at(60)),
      info("Collecting psycopg[binary]==3.2.3 (from -r requirements.txt (line 3))", at(70)),
      info("Successfully installed Django-5.1.4 asgiref-3.8.1 gunicorn-23.0.0 psycopg-3.2.3 sqlparse-0.5.2", at(80)),
      info("#8 [build 1/1] RUN python manage.py collectstatic --noinput", at(90)),
      info("163 static files copied to '/app/staticfiles'.", at(100)),
      info("Build time: 94.62 seconds", at(110)),
    );
  }
  return lines;
}

export function deployLogLines(input: { service: SimService; instance: SimInstance | null; at: At }): SimLog[] {
  const { at } = input;
  const lines: SimLog[] = [info("Starting Container", at(0))];
  const preDeploy = input.instance?.preDeployCommand ?? [];
  const start = input.instance?.startCommand ?? "";
  if (preDeploy.some((c) => c.includes("migrate")) || start.includes("migrate")) {
    lines.push(
      info("Operations to perform:", at(100)),
      info("  Apply all migrations: admin, auth, contenttypes, orders, sessions", at(110)),
      info("Running migrations:", at(120)),
      info("  No migrations to apply.", at(130)),
    );
  }
  if (input.service.name.toLowerCase().includes("worker")) {
    lines.push(
      info("[INFO/MainProcess] Connected to redis://redis.railway.internal:6379/0", at(500)),
      info("[INFO/MainProcess] celery@worker ready.", at(600)),
    );
  } else {
    lines.push(
      info("[INFO] Starting gunicorn 23.0.0", at(500)),
      info("[INFO] Listening at: http://0.0.0.0:8080 (1)", at(510)),
      info("[INFO] Booting worker with pid: 7", at(520)),
    );
  }
  return lines;
}

/** The traceback a failed deployment leaves in its deploy logs. */
export function failureLogLines(failure: Failure, service: SimService, at: At): SimLog[] {
  const lines = tracebacks[failure.kind];
  const out = lines.map((message, i) => error(message, at(i * 2)));
  out.push(
    error(
      service.name.toLowerCase().includes("worker") ? "[ERROR/MainProcess] Worker exited prematurely." : "[ERROR] Worker (pid:7) exited with code 3",
      at(lines.length * 2 + 10),
    ),
  );
  return out;
}

const site = "/app/.venv/lib/python3.12/site-packages/django";

/** What a stale cached layer looks like: the code expects a field the cached models lack. */
const staleCacheTraceback = [
  "Traceback (most recent call last):",
  `  File "${site}/core/handlers/exception.py", line 55, in inner`,
  "    response = get_response(request)",
  `  File "${site}/core/handlers/base.py", line 197, in _get_response`,
  "    response = wrapped_callback(request, *callback_args, **callback_kwargs)",
  '  File "/app/orders/views.py", line 31, in order_list',
  '    orders = list(Order.objects.select_related("customer").filter(status="open")[:50])',
  `  File "${site}/db/models/query.py", line 400, in __iter__`,
  "    self._fetch_all()",
  `  File "${site}/db/models/query.py", line 1928, in _fetch_all`,
  "    self._result_cache = list(self._iterable_class(self))",
  `  File "${site}/db/models/sql/compiler.py", line 1320, in get_related_selections`,
  "    raise FieldError(",
  "django.core.exceptions.FieldError: Invalid field name(s) given in select_related: 'customer'. Choices are: user, shipping_address",
];

const syntaxErrorTraceback = [
  "Traceback (most recent call last):",
  '  File "/app/manage.py", line 22, in <module>',
  "    main()",
  `  File "${site}/core/management/__init__.py", line 442, in execute_from_command_line`,
  "    utility.execute()",
  `  File "${site}/urls/resolvers.py", line 718, in urlconf_module`,
  "    return import_module(self.urlconf_name)",
  '  File "/app/orders/views.py", line 44',
  '    return JsonResponse({"ok": True)',
  "                                   ^",
  "SyntaxError: closing parenthesis ')' does not match opening parenthesis '{'",
];

/** A package the code imports is not in requirements.txt: every build fails, cache or not. */
const missingPackageTraceback = [
  "Traceback (most recent call last):",
  `  File "${site}/db/backends/postgresql/base.py", line 25, in <module>`,
  "    import psycopg as Database",
  "ModuleNotFoundError: No module named 'psycopg'",
  "",
  "During handling of the above exception, another exception occurred:",
  "",
  `  File "${site}/db/backends/postgresql/base.py", line 27, in <module>`,
  "    import psycopg2 as Database",
  "ModuleNotFoundError: No module named 'psycopg2'",
  "django.core.exceptions.ImproperlyConfigured: Error loading psycopg2 or psycopg module",
];

const tracebacks: Record<Failure["kind"], string[]> = {
  stale_cache: staleCacheTraceback,
  syntax: syntaxErrorTraceback,
  missing_package: missingPackageTraceback,
};
