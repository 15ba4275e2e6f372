/**
 * The real core for the Slack end-to-end tests: the composition root over a temp SQLite store
 * and the Railway simulator (test/support/runtime.ts).
 */
import type { BotCore } from "../../../src/core/bot-core.js";
import type { Messenger } from "../../../src/core/ports/chat.js";
import { startTestRuntime } from "../../support/runtime.js";

export interface CoreFixture {
  bot: BotCore;
  /** Gives core the Slack messenger (created by the adapter, which needs the bot first). */
  useMessenger(messenger: Messenger): void;
  /** Railway mutations the simulator received, e.g. "VariableUpsert", "ServiceInstanceDeployV2". */
  railwayMutations(): string[];
  close(): Promise<void>;
}

export const startCore: (() => Promise<CoreFixture>) | undefined = async () => {
  const t = await startTestRuntime();
  return {
    bot: t.runtime.bot,
    useMessenger: (messenger) => t.runtime.messengers.register("slack", messenger),
    railwayMutations: () => t.mutations(),
    close: () => t.close(),
  };
};

export const coreMissing = "src/core does not export the BotCore factory yet (createBot)";
