/**
 * What a workflow remembers between steps (the store keeps it as opaque JSON). Parsed with zod
 * when read back, so a row written by another version fails loudly instead of half-working.
 */
import { z } from "zod";
import type { WorkflowRow } from "../ports/store.js";
import { isWorkflowState, type WorkflowState } from "./states.js";

const person = z.object({
  platform: z.enum(["slack", "discord", "console", "cli"]),
  userId: z.string(),
  displayName: z.string().optional(),
  groups: z.array(z.string()).default([]),
});
export type Person = z.infer<typeof person>;

export const workflowDataSchema = z.object({
  kind: z.enum(["clear", "redeploy"]),
  projectId: z.string(),
  serviceId: z.string(),
  serviceName: z.string(),
  environmentId: z.string(),
  environmentName: z.string(),
  requester: person,
  approval: z.enum(["requester", "second_person"]),
  approvers: z.object({ users: z.array(z.string()), groups: z.array(z.string()) }).nullable(),
  /** The deployment seen when asked: the one to rebuild; a newer one makes the confirmation stale. */
  base: z.object({
    deploymentId: z.string(),
    createdAt: z.string(),
    status: z.string(),
    commitHash: z.string().nullable(),
    commitMessage: z.string().nullable(),
    image: z.string().nullable(),
  }),
  confirmedBy: person.nullable().default(null),
  confirmedAt: z.number().nullable().default(null),
  /** null until checked; true means NO_CACHE was there before us and is never touched. */
  noCachePreexisting: z.boolean().nullable().default(null),
  /** Written before the rebuild request, so recovery knows a rebuild may have been triggered. */
  rebuildRequestedAt: z.number().nullable().default(null),
  /** How many rebuild requests were sent (a lost answer may lead to one more, after looking). */
  rebuildAttempts: z.number().default(0),
  newDeploymentId: z.string().nullable().default(null),
  /** A deployment that started after ours (e.g. Railway deploying on a variable change) and replaced it. */
  laterDeploymentId: z.string().nullable().default(null),
  /** The deployment live at the end, once known: the one the final message names. */
  liveDeploymentId: z.string().nullable().default(null),
  /** Failed optional looks at Railway (given up after a few: they only make the report more precise). */
  lookFailures: z.number().default(0),
  /** When the build was over and NO_CACHE back as found: following the deployment starts here. */
  buildDoneAt: z.number().nullable().default(null),
  /** When railcache set NO_CACHE itself (its value was not there before). */
  noCacheSetAt: z.number().nullable().default(null),
  /** When railcache removed its NO_CACHE again. */
  noCacheRemovedAt: z.number().nullable().default(null),
  /** How NO_CACHE was removed: without a deploy (replace with skipDeploys) or by variableDelete (may deploy). */
  noCacheRemovedBy: z.enum(["replace", "delete"]).nullable().default(null),
  /** Since when removing NO_CACHE keeps failing, how often it was tried, and when the channel was alerted. */
  restoreFailingSince: z.number().nullable().default(null),
  restoreAttempts: z.number().default(0),
  restoreAlertedAt: z.number().nullable().default(null),
  sawBuilding: z.boolean().default(false),
  /** Why the workflow is failing (set when it moves to `aborting`). */
  failure: z.string().nullable().default(null),
  /** The deployment's final status, once known. */
  finalStatus: z.string().nullable().default(null),
  /** Last error while removing NO_CACHE (cleared once removed); shown while railcache keeps trying. */
  restoreError: z.string().nullable().default(null),
  /** How it ended: the state before `done`. */
  outcome: z.enum(["deployed", "failed", "image_reused"]).nullable().default(null),
  /** Why it expired or was cancelled. */
  reason: z.string().nullable().default(null),
});

export type WorkflowData = z.infer<typeof workflowDataSchema>;

export interface Workflow {
  id: string;
  state: WorkflowState;
  createdAt: number;
  updatedAt: number;
  expiresAt: number | null;
  data: WorkflowData;
}

/** A store row as a typed workflow; throws on a row this version cannot read. */
export function parseWorkflow(row: WorkflowRow): Workflow {
  if (!isWorkflowState(row.state)) throw new Error(`workflow ${row.id} is in an unknown state "${row.state}"`);
  const data = workflowDataSchema.safeParse(row.data);
  if (!data.success) throw new Error(`workflow ${row.id} has unreadable data: ${data.error.issues.map((i) => i.path.join(".")).join(", ")}`);
  return { id: row.id, state: row.state, createdAt: row.createdAt, updatedAt: row.updatedAt, expiresAt: row.expiresAt, data: data.data };
}
