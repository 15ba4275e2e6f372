/**
 * Recognises an import error for a well-known third-party package ("No module named 'psycopg2'").
 * On Railway that nearly always means the package is missing from requirements.txt, listed under
 * the wrong name, or pinned to a version without what the code imports: a fresh build fails the
 * same way, so a cache clear would not help. The project's own modules ('accounts.signals',
 * 'config.settings.production') are not in the table and stay a stale-cache signature.
 */

/**
 * Import name -> PyPI name for packages Django apps on Railway commonly use. Only names no
 * project would plausibly give its own app: a miss here just means "answered as a stale cache".
 */
const PYPI_NAME_BY_IMPORT: ReadonlyMap<string, string> = new Map([
  ["django", "Django"],
  // Plain psycopg2 builds from source and needs libpq headers that Railway's images lack.
  ["psycopg2", "psycopg2-binary"],
  ["psycopg", "psycopg[binary]"],
  ["MySQLdb", "mysqlclient"],
  ["dj_database_url", "dj-database-url"],
  ["gunicorn", "gunicorn"],
  ["uvicorn", "uvicorn"],
  ["daphne", "daphne"],
  ["whitenoise", "whitenoise"],
  ["rest_framework", "djangorestframework"],
  ["rest_framework_simplejwt", "djangorestframework-simplejwt"],
  ["corsheaders", "django-cors-headers"],
  ["environ", "django-environ"],
  ["decouple", "python-decouple"],
  ["dotenv", "python-dotenv"],
  ["storages", "django-storages"],
  ["django_filters", "django-filter"],
  ["allauth", "django-allauth"],
  ["crispy_forms", "django-crispy-forms"],
  ["debug_toolbar", "django-debug-toolbar"],
  ["django_extensions", "django-extensions"],
  ["django_redis", "django-redis"],
  ["celery", "celery"],
  ["redis", "redis"],
  ["PIL", "Pillow"],
  ["stripe", "stripe"],
  ["boto3", "boto3"],
  ["sentry_sdk", "sentry-sdk"],
  // Python 3.12 dropped distutils from the standard library; setuptools brings a replacement.
  ["distutils", "setuptools"],
  ["pkg_resources", "setuptools"],
]);

export interface MissingPackage {
  /** Top-level import name, e.g. "rest_framework". */
  importName: string;
  /** Name to list in requirements.txt, e.g. "djangorestframework". */
  pypiName: string;
  /**
   * What the installed package did not have ("rest_framework.authtoken", or a name from a
   * `cannot import name`); undefined when the package itself is missing.
   */
  missingPart?: string;
}

const MENTIONS_IMPORT = /module|import/;
// Python names the first module it could not find; quotes are optional because Python 2 and
// some wrappers leave them out. A trailing sentence dot is not part of the name.
const NO_MODULE = /No module named ['"`]?([A-Za-z_]\w*(?:\.\w+)*)/;
// Django's database backends wrap the ImportError: "Error loading psycopg2 or psycopg module".
const BACKEND_NOT_LOADED = /Error loading (\w+)(?: or \w+)? module/;
// manage.py wraps a missing Django in its own ImportError.
const DJANGO_NOT_IMPORTED = /Couldn't import Django\b/;
// Requires a quoted module: "from partially initialized module ..." is a circular import.
const NAME_NOT_IN_MODULE = /cannot import name ['"`](\w+)['"`] from ['"`]([A-Za-z_]\w*(?:\.\w+)*)['"`]/;

/** The third-party package a line of a log says cannot be imported, or null. */
export function findMissingPackage(line: string): MissingPackage | null {
  // Every form below says "module" or "import": most log lines are ruled out by one test.
  if (!MENTIONS_IMPORT.test(line)) return null;
  const name = NAME_NOT_IN_MODULE.exec(line);
  if (name) return knownPackage(topLevel(name[2]!), name[1]);
  const module = NO_MODULE.exec(line)?.[1] ?? BACKEND_NOT_LOADED.exec(line)?.[1] ?? (DJANGO_NOT_IMPORTED.test(line) ? "django" : undefined);
  if (!module) return null;
  const top = topLevel(module);
  return knownPackage(top, module === top ? undefined : module);
}

/** What to change in requirements.txt, with the cache clear as the fallback. */
export function missingPackageAdvice(missing: MissingPackage): string {
  const { importName, pypiName, missingPart } = missing;
  const provides = importName === pypiName ? "" : ` (it provides the \`${importName}\` module)`;
  const fix = missingPart
    ? `Make sure \`${pypiName}\` is in requirements.txt${provides}, pinned to a version that has \`${missingPart}\`, then commit and push.`
    : `Add \`${pypiName}\` to requirements.txt${provides}, then commit and push: the next build installs it.`;
  const fallback = `If it is already in requirements.txt and the error persists, a stale build cache is the likely cause: \`/railcache clear <service>\` fixes that.`;
  return `${fix}\n${fallback}`;
}

function topLevel(module: string): string {
  return module.split(".")[0]!;
}

function knownPackage(importName: string, missingPart: string | undefined): MissingPackage | null {
  const pypiName = PYPI_NAME_BY_IMPORT.get(importName);
  if (!pypiName) return null;
  return { importName, pypiName, missingPart };
}
