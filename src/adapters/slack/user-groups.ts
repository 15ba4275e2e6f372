/**
 * Which Slack user groups (S... ids) a person is in, for core's policy. One usergroups.list
 * call serves everyone and is cached for a few minutes; if Slack refuses, people are in no
 * group (policy then decides on user ids alone) and the log says why.
 */
import type { webApi } from "@slack/bolt";
import type { Logger } from "../../log.js";

export class SlackUserGroups {
  private byUser = new Map<string, string[]>();
  private loadedAt = -Infinity;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly client: webApi.WebClient,
    private readonly log: Logger,
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async of(userId: string): Promise<string[]> {
    if (this.now() - this.loadedAt > this.ttlMs) {
      this.loading ??= this.load().finally(() => (this.loading = undefined));
      await this.loading;
    }
    return this.byUser.get(userId) ?? [];
  }

  private async load(): Promise<void> {
    try {
      const result = await this.client.usergroups.list({ include_users: true });
      const byUser = new Map<string, string[]>();
      for (const group of result.usergroups ?? []) {
        for (const user of group.users ?? []) byUser.set(user, [...(byUser.get(user) ?? []), group.id as string]);
      }
      this.byUser = byUser;
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error;
      this.log.warn({ event: "slack.usergroups.failed", code }, "Could not read Slack user groups; policy sees users only");
    }
    // A failure is cached too, so a missing scope does not cost a call per request.
    this.loadedAt = this.now();
  }
}
