import { describe, expect, it } from "vitest";
import { plainUserText } from "../../../src/core/text/user-text.js";

describe("plainUserText", () => {
  it("turns Markdown and Slack links into label plus a defanged address", () => {
    expect(plainUserText("see [click here](https://evil.example/phish) now")).toBe("see click here (https[:]//evil[.]example/phish) now");
    expect(plainUserText("plain https://pypi.org/simple/django/ url")).toBe("plain https[:]//pypi[.]org/simple/django/ url");
  });

  it("strips NUL, other controls and bidi overrides, and keeps newlines, tabs and mentions", () => {
    expect(plainUserText("a\u0000b\u202ec\u2066d\u200fe\u0007f\r\ng\th <@U123>")).toBe("abcdef\ng\th <@U123>");
  });

  it("leaves file names and tracebacks alone", () => {
    const text = "File \"/app/shop/models.py\", line 12\nModuleNotFoundError: No module named 'requests'";
    expect(plainUserText(text)).toBe(text);
  });
});
