import { describe, expect, it } from "vitest";
import { escapeMentions } from "../../../src/core/text/mentions.js";

const PINGS = /<!(?:here|channel|everyone|subteam)|<@[!&]?[A-Za-z0-9]+|@(?:everyone|here|channel)\b/i;

describe("escapeMentions", () => {
  it.each([
    ["@everyone deploy is down", "@\u200beveryone deploy is down"],
    ["ping @here now", "ping @\u200bhere now"],
    ["<!channel> heads up", "@\u200bchannel heads up"],
    ["<!here> and <!everyone>", "@\u200bhere and @\u200beveryone"],
    ["<!here|here> hi", "@\u200bhere hi"],
    ["ask <@U024BE7LH>", "ask @\u200bU024BE7LH"],
    ["ask <@U024BE7LH|alice>", "ask @\u200balice"],
    ["discord <@!80351110224678912>", "discord @\u200b80351110224678912"],
    ["role <@&165511591545143296>", "role @\u200brole-165511591545143296"],
    ["group <!subteam^S012AB|@oncall>", "group @\u200boncall"],
  ])("neutralises %j", (input, expected) => {
    const out = escapeMentions(input);
    expect(out).toBe(expected);
    expect(out).not.toMatch(PINGS);
  });

  it("leaves ordinary text, e-mail addresses and decorators alone", () => {
    const text = "mail ops@example.com, use @login_required and `python manage.py migrate`";
    expect(escapeMentions(text)).toBe(text);
  });

  it("neutralises every mention in a long mixed message", () => {
    const text = Array.from({ length: 50 }, (_, i) => `line ${i} <@U${i}X> @here <!channel>`).join("\n");
    expect(escapeMentions(text)).not.toMatch(PINGS);
  });
});
