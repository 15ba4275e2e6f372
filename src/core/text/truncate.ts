/**
 * The one way railcache shortens plain text to a limit (an embed field, a Slack block, a command
 * description, a commit title, a log line on a card): at most `max` UTF-16 units including the
 * "…" that marks the cut, never splitting an emoji's surrogate pair. Markup that must stay valid
 * when cut (Slack's mrkdwn) has its own cut beside its renderer.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end).trimEnd()}…`;
}
