import { describe, expect, it } from "vitest";
import { explainText } from "../../../src/adapters/cli/ask.js";
import { createAnswerEngine, loadKnowledgeBase } from "../../../src/core/kb/index.js";

const engine = createAnswerEngine(loadKnowledgeBase());

describe("railcache ask --explain", () => {
  it("shows the rule, the ranked sections and, for a message that asks two things, each question's section", () => {
    const text = explainText(engine.answer("how do I clear the build cache on railway? and why does this keep happening after we rename an app?"));
    expect(text).toMatch(/^Decision: answered with fix-dashboard \+ triggers/);
    expect(text).toMatch(/Accept rule: best section >= \d\.\d\d \(a team section >= \d\.\d\d\)/);
    expect(text).toMatch(/ {2}1\. \S+ +similarity \d\.\d\d {2}probability \d\.\d\d/);
    expect(text).toMatch(/Questions, in the order asked:\n {2}1\. fix-dashboard +how do I clear the build cache on railway\?\n {2}2\. triggers +and why does/);
    expect(text).toContain("Second section: triggers (the message asks it too)");
  });

  it("says when the message's best section comes second because the first answers the question it opens with", () => {
    const text = explainText(
      engine.answer(
        "Will Railway stop reading our railway.toml once Config as Code is cut off? It holds our pre-deploy command. Separately, I'm only a member without admin rights: can editing requirements.txt bust the build cache",
      ),
    );
    expect(text).toMatch(/^Decision: answered with config-as-code-deprecation \+ fix-requirements-bust/);
    expect(text).toContain("Second section: fix-requirements-bust (it fits the whole message best; the first answers the question the message opens with)");
  });

  it("says when the second section is there because the first names it next:", () => {
    const text = explainText(
      // One sentence: a message of several is split into questions, and a second section from those is "asked".
      engine.answer("LookupError: App 'billing' doesn't have a 'Contact' model on prod only, works locally, what does that mean?"),
    );
    expect(text).toContain("Second section: fix-dashboard (the first section names it next:)");
    expect(text).not.toContain("Questions, in the order asked");
  });

  it("says how to fix a miss when it refuses, and names the near miss that refused it", () => {
    const kb = loadKnowledgeBase();
    const nearMiss = kb.offTopic.find((t) => t.length < 80 && !t.includes("\n") && !engine.answer(t).matched)!;
    const text = explainText(engine.answer(nearMiss));
    expect(text).toMatch(/^Decision: refused/);
    expect(text).toContain(`Nearest examples:\n  1.00  near miss: ${nearMiss}`);
    expect(text).toContain("The nearest example is a near miss: that is what refused the question.");
    expect(text).toContain("add the question (as users write it) to the section's `examples:` front-matter");
  });

  it("says when the message names another platform and not Railway, which the model reads as a question about that platform", () => {
    const text = explainText(engine.answer("how to purge the build cache in gitlab, or on heroku?"));
    expect(text).toContain("Another platform named, and not Railway: gitlab, heroku (");
    expect(explainText(engine.answer("we moved from heroku to railway, how do I clear the build cache?"))).not.toContain("Another platform named");
  });
});
