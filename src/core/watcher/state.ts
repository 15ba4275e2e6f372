/**
 * Everything the watcher keeps in the store: one key and one zod schema per kind of record, so
 * what a restart, another replica or an older version left behind is checked when it is read,
 * never trusted by a cast. A record that does not parse is logged and treated as absent. The key
 * spellings are the ones earlier versions wrote: an upgrade keeps every card and reminder.
 */
import { z } from "zod";
import type { Logger } from "../../log.js";
import { platforms, type MessageRef } from "../ports/chat.js";
import type { Clock } from "../ports/clock.js";
import { deploymentStatuses } from "../ports/railway.js";
import type { JsonValue, Store } from "../ports/store.js";
import type { InstanceRef } from "./cards.js";

/** The cards a deployment can show (its one card changes kind as the deployment moves). */
export const cardKinds = ["stale_cache", "failure", "http5xx", "building", "approval", "status"] as const;
export type CardKind = (typeof cardKinds)[number];

const status = z.enum(deploymentStatuses);
const instanceRef = z.object({ projectId: z.string(), serviceId: z.string(), serviceName: z.string(), environmentId: z.string(), environmentName: z.string() });
const messageRef = z.object({ platform: z.enum(platforms), channelId: z.string(), threadId: z.string().optional(), messageId: z.string() });

/** What the watcher knows of one deployment. */
const deploymentState = z.object({
  status,
  /** When the watcher first saw this status. */
  statusSince: z.number(),
  /** The card it shows: its kind, the status it showed, and its title (the "Earlier: ..." of a status edit). */
  card: z.object({ kind: z.enum(cardKinds), status, title: z.string() }).nullable(),
  /** First seen long after it finished: history, never a card. */
  history: z.boolean().optional(),
});
export type DeploymentState = z.infer<typeof deploymentState>;

/** A deployment that just succeeded, watched for a burst of HTTP 5xx. */
const fiveXxWatch = z.object({ deploymentId: z.string(), instance: instanceRef, successAt: z.number(), lastCheckAt: z.number() });
export type FiveXxWatch = z.infer<typeof fiveXxWatch>;

/** NO_CACHE seen set on a service, and whether the reminder went out. */
const noCacheMark = z.object({ since: z.number(), reminded: z.boolean(), instance: instanceRef });
export type NoCacheMark = z.infer<typeof noCacheMark>;

const mute = z.object({ until: z.number() });
/** Written once a service's config-file warning is out; only its presence is ever read. */
type ConfigFileWarning = { file: string; ref: z.infer<typeof messageRef> };
const resolved = z.literal(true);

const day = 24 * 60 * 60 * 1000;
/** How long a deployment's state (and a resolved card's mark) is kept. */
const stateTtlMs = 14 * day;
/** How long a replica that claimed a post holds it before another may try (a crash mid-post). */
const postLockMs = 60_000;

const keys = {
  deployment: (id: string) => `watcher:dep:${id}`,
  card: (id: string) => `watcher:card:${id}`,
  postLock: (id: string) => `watcher:post:${id}`,
  hint: (id: string, status: string) => `watcher:hint:${id}:${status}`,
  fiveXxPrefix: "watcher:5xx:",
  fiveXx: (id: string) => `watcher:5xx:${id}`,
  noCachePrefix: "watcher:nocache:",
  noCache: (s: string, e: string) => `watcher:nocache:${s}:${e}`,
  noCacheCard: (s: string, e: string) => `watcher:card:nocache:${s}:${e}`,
  configFile: (s: string) => `watcher:configfile:${s}`,
  mute: (s: string, e: string) => `watcher:mute:${s}:${e}`,
  /** A card whose clear has ended: its final text stays. */
  resolved: (id: string) => `watcher:resolved:${id}`,
  cooldown: (s: string, e: string) => `watcher:cooldown:${s}:${e}`,
};

/** A MessageRef as a plain JSON record (adapters may hand back richer objects). */
function refRecord(ref: MessageRef): z.infer<typeof messageRef> {
  return { platform: ref.platform, channelId: ref.channelId, ...(ref.threadId !== undefined ? { threadId: ref.threadId } : {}), messageId: ref.messageId };
}

/** The watcher's records in the shared store, typed and validated. */
export class WatcherState {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  private parse<T>(schema: z.ZodType<T>, key: string, value: JsonValue | null): T | null {
    if (value === null) return null;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    this.log.warn({ event: "watcher.bad_record", key, problem: z.prettifyError(parsed.error) }, "ignoring a watcher record that does not parse");
    return null;
  }

  private async read<T>(schema: z.ZodType<T>, key: string): Promise<T | null> {
    return this.parse(schema, key, await this.store.kvGet(key));
  }

  private async readRef(key: string): Promise<MessageRef | null> {
    return this.parse(messageRef, key, await this.store.getMessageRef(key));
  }

  // --- deployments and their cards -----------------------------------------------------------

  deployment(id: string): Promise<DeploymentState | null> {
    return this.read(deploymentState, keys.deployment(id));
  }

  async saveDeployment(id: string, state: DeploymentState): Promise<void> {
    await this.store.kvSet(keys.deployment(id), state, stateTtlMs);
  }

  /** True the first time a webhook hints at `status` for a deployment (within a day). */
  firstHint(deploymentId: string, status: string): Promise<boolean> {
    return this.store.claimOnce(keys.hint(deploymentId, status), day);
  }

  cardRef(deploymentId: string): Promise<MessageRef | null> {
    return this.readRef(keys.card(deploymentId));
  }

  async saveCardRef(deploymentId: string, ref: MessageRef): Promise<void> {
    await this.store.setMessageRef(keys.card(deploymentId), refRecord(ref));
  }

  /** True for the one replica that may post this deployment's first card now. */
  claimCardPost(deploymentId: string): Promise<boolean> {
    return this.store.claimOnce(keys.postLock(deploymentId), postLockMs);
  }

  async isResolved(deploymentId: string): Promise<boolean> {
    return (await this.store.kvGet(keys.resolved(deploymentId))) !== null;
  }

  async markResolved(deploymentId: string): Promise<void> {
    await this.store.kvSet(keys.resolved(deploymentId), resolved.value, stateTtlMs);
  }

  // --- mute and cooldown ---------------------------------------------------------------------

  async mute(serviceId: string, environmentId: string, ms: number): Promise<void> {
    await this.store.kvSet(keys.mute(serviceId, environmentId), { until: this.clock.now() + ms }, ms);
  }

  async unmute(serviceId: string, environmentId: string): Promise<void> {
    await this.store.kvDelete(keys.mute(serviceId, environmentId));
  }

  async mutedUntil(serviceId: string, environmentId: string): Promise<number | null> {
    return (await this.read(mute, keys.mute(serviceId, environmentId)))?.until ?? null;
  }

  async isMuted(instance: InstanceRef): Promise<boolean> {
    return (await this.store.kvGet(keys.mute(instance.serviceId, instance.environmentId))) !== null;
  }

  cooldownUntil(instance: InstanceRef): Promise<number | null> {
    return this.store.cooldownUntil(keys.cooldown(instance.serviceId, instance.environmentId));
  }

  async startCooldown(instance: InstanceRef, ms: number): Promise<void> {
    await this.store.setCooldown(keys.cooldown(instance.serviceId, instance.environmentId), this.clock.now() + ms);
  }

  // --- follow-ups ----------------------------------------------------------------------------

  async watchFiveXx(watch: FiveXxWatch, ttlMs: number): Promise<void> {
    await this.store.kvSet(keys.fiveXx(watch.deploymentId), watch, ttlMs);
  }

  async endFiveXxWatch(deploymentId: string): Promise<void> {
    await this.store.kvDelete(keys.fiveXx(deploymentId));
  }

  async fiveXxWatches(): Promise<FiveXxWatch[]> {
    const entries = await this.store.kvList(keys.fiveXxPrefix);
    return entries.map(({ key, value }) => this.parse(fiveXxWatch, key, value)).filter((w): w is FiveXxWatch => w !== null);
  }

  noCacheMark(instance: InstanceRef): Promise<NoCacheMark | null> {
    return this.read(noCacheMark, keys.noCache(instance.serviceId, instance.environmentId));
  }

  async saveNoCacheMark(mark: NoCacheMark): Promise<void> {
    await this.store.kvSet(keys.noCache(mark.instance.serviceId, mark.instance.environmentId), mark);
  }

  async forgetNoCache(serviceId: string, environmentId: string): Promise<void> {
    await this.store.kvDelete(keys.noCache(serviceId, environmentId));
  }

  async noCacheMarks(): Promise<NoCacheMark[]> {
    const entries = await this.store.kvList(keys.noCachePrefix);
    return entries.map(({ key, value }) => this.parse(noCacheMark, key, value)).filter((m): m is NoCacheMark => m !== null);
  }

  /** True for the one replica that may post the NO_CACHE reminder for a service now. */
  claimNoCachePost(instance: InstanceRef): Promise<boolean> {
    return this.store.claimOnce(`${keys.noCache(instance.serviceId, instance.environmentId)}:post`, postLockMs);
  }

  noCacheCardRef(serviceId: string, environmentId: string): Promise<MessageRef | null> {
    return this.readRef(keys.noCacheCard(serviceId, environmentId));
  }

  async saveNoCacheCardRef(instance: InstanceRef, ref: MessageRef): Promise<void> {
    await this.store.setMessageRef(keys.noCacheCard(instance.serviceId, instance.environmentId), refRecord(ref));
  }

  /** Whether the warning went out (its record is only ever checked for presence: never post it twice). */
  async configFileWarned(serviceId: string): Promise<boolean> {
    return (await this.store.kvGet(keys.configFile(serviceId))) !== null;
  }

  /** True for the one replica that may post the config-file warning for a service now. */
  claimConfigFilePost(serviceId: string): Promise<boolean> {
    return this.store.claimOnce(`${keys.configFile(serviceId)}:post`, postLockMs);
  }

  async saveConfigFileWarning(serviceId: string, file: string, ref: MessageRef): Promise<void> {
    const record: ConfigFileWarning = { file, ref: refRecord(ref) };
    await this.store.kvSet(keys.configFile(serviceId), record);
  }
}
