/**
 * NO_CACHE on a service: its name, the lock a workflow holds on the service while it owns the
 * variable, and setting and removing it. The workflow engine and the watcher both use this module,
 * so neither spells the name or the key on its own. Retries live in the Railway client (the one
 * layer that knows which requests are safe to repeat); these functions make each call once.
 */
import { RailwayError, type RailwayApi, type VariableTarget } from "../ports/railway.js";

export const NO_CACHE = "NO_CACHE";

/**
 * The lock key (and cooldown key) of a service in an environment: while an unfinished clear or
 * redeploy holds it, that workflow owns NO_CACHE there and nobody else sets or removes it.
 */
export function serviceLockKey(projectId: string, environmentId: string, serviceId: string): string {
  return `${projectId}:${environmentId}:${serviceId}`;
}

/** Whether NO_CACHE is set on the service now. */
export async function hasNoCache(railway: RailwayApi, target: VariableTarget): Promise<boolean> {
  return (await railway.variableNames(target)).includes(NO_CACHE);
}

/** Sets NO_CACHE=1 without deploying (variableUpsert has skipDeploys; repeating it is harmless). */
export async function setNoCache(railway: RailwayApi, target: VariableTarget): Promise<void> {
  await railway.upsertVariable(target, NO_CACHE, "1", { skipDeploys: true });
}

export type Removal =
  | { removed: false }
  | {
      removed: true;
      /** `replace`: variableCollectionUpsert without a deploy. `delete`: variableDelete, which may deploy. */
      by: "replace" | "delete";
      /** Names whose values changed between our read and our write (someone else edited meanwhile). */
      changedMeanwhile: string[];
    };

/**
 * Removes NO_CACHE without starting a deployment, when that can be done safely.
 *
 * Why `variableCollectionUpsert` with `replace: true, skipDeploys: true` (../shared/railway/API.md):
 * - `variableDelete` has no `skipDeploys`, and on Railway a service-variable change deploys: it
 *   would start a second, cached build that replaces the clean one.
 * - `environmentPatchCommitStaged(skipDeploys: true)` commits EVERY change staged in the
 *   environment, including a teammate's unfinished dashboard edits: railcache must not ship those.
 * - A replace sets the service's whole variable set to what we send, without a deploy. We send
 *   what we just read minus NO_CACHE, read unrendered so `${{...}}` references stay references.
 *   That is only safe when every value is readable: sealed variables are never returned, and a
 *   replace would delete them. Then, and only then, we fall back to `variableDelete` and the
 *   engine follows whatever deployment it starts.
 * Read and write are milliseconds apart; afterwards we read again and check that nothing else
 * changed meanwhile (a change in that gap is reported, never silently lost from the log).
 */
export async function removeNoCache(railway: RailwayApi, target: VariableTarget, options: { fallBackToDelete: boolean }): Promise<Removal> {
  let before;
  try {
    before = await railway.serviceVariables(target);
  } catch (error) {
    // Removing NO_CACHE matters more than avoiding a cached deploy: after a few failed tries, the plain way.
    if (!options.fallBackToDelete) throw error;
    if (!(await hasNoCache(railway, target))) return { removed: false };
    await railway.deleteVariable(target, NO_CACHE);
    return { removed: true, by: "delete", changedMeanwhile: [] };
  }
  if (!(NO_CACHE in before.values) && !before.unreadable.includes(NO_CACHE)) return { removed: false };
  if (before.unreadable.length > 0) {
    await railway.deleteVariable(target, NO_CACHE);
    return { removed: true, by: "delete", changedMeanwhile: [] };
  }
  const wanted = Object.fromEntries(Object.entries(before.values).filter(([name]) => name !== NO_CACHE));
  await railway.replaceVariables(target, wanted, { skipDeploys: true });
  const after = await railway.variableNames(target);
  if (after.includes(NO_CACHE)) throw new RailwayError("refused", "Railway still lists NO_CACHE after railcache removed it.");
  const names = new Set([...Object.keys(wanted), ...after]);
  const changedMeanwhile = [...names].filter((name) => !(name in wanted) || !after.includes(name)).sort();
  return { removed: true, by: "replace", changedMeanwhile };
}
