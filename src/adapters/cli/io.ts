/** Terminal helpers shared by the CLI commands. */
import { createInterface } from "node:readline/promises";
import { userInfo } from "node:os";
import { KnownFailure } from "../../core/errors.js";
import type { Actor } from "../../core/ports/chat.js";

/** A failure the CLI reports as one clear line and an exit code, never a stack trace. */
export class CliError extends KnownFailure {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message, { category: exitCode === 2 ? "usage" : "failure" });
    this.name = "CliError";
  }
}

export const useColour = (): boolean => Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** The person at the terminal, as the policy sees them. */
export function terminalActor(): Actor {
  let name = "cli";
  try {
    name = userInfo().username || name;
  } catch {
    // No passwd entry (some containers): keep the generic name.
  }
  return { platform: "cli", userId: name, displayName: name, groups: [] };
}

/** Asks a yes/no question at the terminal; anything but "yes"/"y" is no. No TTY: no. */
export async function confirmAtTerminal(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^(y|yes)$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** Reads all of stdin as text. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
