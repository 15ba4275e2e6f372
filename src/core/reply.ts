/**
 * The one platform-neutral message model. Core returns a Reply; each adapter renders it
 * (Block Kit, a Discord embed, terminal text). Core never builds platform objects.
 */

/** What a button can do, listed once: the adapters match their custom ids against this list. */
export const ACTION_KINDS = [
  "clear", // start the guarded cache-clear workflow for `value` (a service name)
  "redeploy", // start a plain rebuild workflow for `value`
  "confirm", // confirm workflow `value`
  "cancel", // cancel workflow `value`
  "see_more", // show the full knowledge-base section `value`
  "show_answer", // answer from knowledge-base section `value` (offered when a question was only just refused)
  "mute", // mute warnings for `value` (a service id) for a while
  "unmute", // end that mute early
  "remove_no_cache", // remove a forgotten NO_CACHE variable on `value`
  "link", // plain link button: `url`
] as const;

/** What a button does. Adapters encode `kind` + `value` into their own custom ids. */
export type ActionKind = (typeof ACTION_KINDS)[number];

export interface Action {
  kind: ActionKind;
  label: string;
  value?: string;
  url?: string;
  style?: "primary" | "danger";
}

export interface Field {
  name: string;
  value: string;
  inline?: boolean;
}

export interface CodeBlock {
  lang?: string;
  text: string;
}

export type Tone = "info" | "success" | "warning" | "error";

export interface Reply {
  title: string;
  /**
   * CommonMark (`code`, **bold**, *emphasis*, [label](url), lists, fenced code). Not escaped:
   * each adapter converts it to its platform's dialect and escapes mentions there, once.
   */
  body: string;
  code?: CodeBlock[];
  fields?: Field[];
  actions?: Action[];
  /** A small line under the message: the section it came from, a timestamp, a link. */
  context?: string;
  tone?: Tone;
  /** Only the asker should see it (Slack ephemeral, Discord ephemeral). */
  private?: boolean;
}
