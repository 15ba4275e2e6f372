/** requirements.txt checks: merge-conflict markers, duplicates, unpinned packages, Django missing. */
import type { Finding } from "./lint.js";

const REQUIREMENT = /^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(.*)$/;

/** PEP 503 normalisation: `Django_REST.framework` and `django-rest-framework` are one package. */
export function normalizePackageName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

export function lintRequirements(text: string, options: { file: string; isDjango: boolean }): Finding[] {
  const { file } = options;
  const findings: Finding[] = [];
  const seen = new Map<string, number>();
  const unpinned: { name: string; line: number }[] = [];
  const lines = text.split(/\r?\n/);

  let inConflict = false;
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (/^(<{7}|={7}|>{7})( |$)/.test(raw)) {
      // One finding per conflict, at its first marker.
      if (!inConflict)
        findings.push({
          severity: "error",
          file,
          line,
          message: `Merge-conflict marker \`${raw.slice(0, 7)}\` left in ${file}: pip fails on it and the build breaks.`,
          fix: "Resolve the conflict: keep one version of each package and delete the marker lines.",
        });
      inConflict = !raw.startsWith(">>>>>>>");
      return;
    }
    const text = raw.replace(/\s+#.*$/, "").trim();
    if (text === "" || text.startsWith("#") || text.startsWith("-") || /^[a-z+]+:\/\//i.test(text) || text.includes(" @ ")) return;
    const match = REQUIREMENT.exec(text);
    if (!match) return;
    const name = normalizePackageName(match[1]!);
    const spec = match[3]!.split(";")[0]!.trim();
    const first = seen.get(name);
    if (first !== undefined) {
      findings.push({
        severity: "warning",
        file,
        line,
        message: `\`${match[1]}\` is listed twice (first on line ${first}): which version pip installs depends on the order.`,
        fix: "Keep one line for it, with the version you mean.",
      });
    } else {
      seen.set(name, line);
    }
    if (!/^(==|===)\s*[^*\s]+$/.test(spec)) unpinned.push({ name: match[1]!, line });
  });

  for (const { name, line } of unpinned.slice(0, 10)) {
    findings.push({
      severity: "warning",
      file,
      line,
      message: `\`${name}\` is not pinned to one version: a rebuild can install something newer than what you tested (and a cache hit can keep something older).`,
      fix: `Pin it: \`${name}==<version you run locally>\` (\`pip freeze\` shows it).`,
    });
  }
  if (unpinned.length > 10)
    findings.push({
      severity: "warning",
      file,
      line: unpinned[10]!.line,
      message: `${unpinned.length - 10} more packages are not pinned.`,
      fix: "Pin every package (`pip freeze > requirements.txt`).",
    });
  if (options.isDjango && !seen.has("django")) {
    findings.push({
      severity: "error",
      file,
      line: null,
      message: "This is a Django project (manage.py), but Django is not in requirements.txt: the build cannot install it.",
      fix: "Add `Django==<version>` (the one you run locally).",
    });
  }
  return findings;
}
