import { describe, expect, it } from "vitest";
import { createAnswerEngine, loadKnowledgeBase } from "../../../src/core/kb/index.js";

const engine = createAnswerEngine(loadKnowledgeBase());

/**
 * Meaning-preserving one-word edits: another model or field name, an OS or tool mentioned in
 * passing, a typo, a plural. None may change whether railcache answers, or with which section.
 */
const BASES: { text: string; edits: [string, string][] }[] = [
  {
    text: "prod on railway still serves old code after I added the Order model",
    edits: [
      ["Order model", "Invoice model"],
      ["Order model", "Price model"],
      ["Order model", "Order model (it uses redis)"],
      ["added", "added and pushed from github actions"],
      ["prod on railway", "I'm on windows, prod on railway"],
    ],
  },
  {
    text: "after adding a field the railway deploy throws errors about it, but the code works on my laptop",
    edits: [
      ["works on my laptop", "exists on my laptop"],
      ["a field", "two fields"],
      ["railway deploy", "railway deploy (docker locally)"],
    ],
  },
  {
    text: "railway deploy shows old code after I merged the model changes",
    edits: [
      ["railway", "railwy"],
      ["model changes", "models changes"],
      ["merged", "pushed from github actions"],
      ["old code", "old code (I'm on windows)"],
      ["deploy", "deploys"],
    ],
  },
  {
    text: "django.core.exceptions.FieldError: Cannot resolve keyword 'loyalty_tier' into field. Choices are: email, id, name",
    edits: [
      ["loyalty_tier", "discount_code"],
      ["email, id, name", "id, price, sku"],
      ["into field.", "into field"],
      ["django.core.exceptions.", ""],
    ],
  },
  {
    text: "FieldError: Invalid field name given in select_related: 'invoice' on railway, works on my laptop",
    edits: [
      ["Invalid field name", "Invalid field name(s)"],
      ["'invoice'", "'price'"],
      ["works on my laptop", "exists on my laptop"],
      ["on railway", "on railway prod"],
    ],
  },
  {
    text: "ModuleNotFoundError: No module named 'accounts.signals' only on railway, fine locally",
    edits: [
      ["accounts.signals", "billing.tasks"],
      ["fine locally", "fine locally on my mac"],
      ["only on railway", "only on railway (we use redis too)"],
    ],
  },
  {
    text: "how do I clear the build cache on railway and redeploy",
    edits: [
      ["clear", "purge"],
      ["build cache", "build caches"],
      ["redeploy", "redploy"],
      ["on railway", "on railway, we're on windows"],
      ["how do I", "how can I"],
    ],
  },
  {
    text: 'column "discount" of relation "shop_order" does not exist after deploying to railway',
    edits: [
      ["discount", "loyalty_points"],
      ["shop_order", "billing_invoice"],
      ["deploying", "deploying from gitlab"],
      ["to railway", "to railway prod"],
    ],
  },
  {
    text: "how do I make migrations run automatically on every railway deploy",
    edits: [
      ["migrations", "migratons"],
      ["every railway deploy", "every railway deploys"],
      ["automatically", "automatically (celery too)"],
      ["how do I", "how do we"],
    ],
  },
  {
    text: "set NO_CACHE=1 on the service to force a clean build on railway?",
    edits: [
      ["clean build", "clean builds"],
      ["force", "forse"],
      ["the service", "the web service"],
      ["on railway?", "on railway? using docker locally"],
    ],
  },
  {
    text: "is it a bad idea to leave NO_CACHE set on railway permanently",
    edits: [
      ["permanently", "permanantly"],
      ["bad idea", "bad ideas"],
      ["on railway", "on railway from a mac"],
      ["leave", "keep"],
    ],
  },
  {
    text: "what kind of changes cause stale build cache problems on railway",
    edits: [
      ["changes", "change"],
      ["problems", "issues"],
      ["stale", "stael"],
      ["on railway", "on railway (postgres + redis)"],
    ],
  },
  {
    text: "bust the railway cache by editing requirements.txt without dashboard access",
    edits: [
      ["editing", "changing"],
      ["requirements.txt", "requirements.txt file"],
      ["dashboard access", "dashbaord access"],
      ["railway cache", "railway build cache"],
    ],
  },
  {
    text: "railway.toml is deprecated, how do I move to railway config migrate",
    edits: [
      ["deprecated", "depricated"],
      ["how do I", "how do we"],
      ["move", "migrate"],
      ["railway.toml", "our railway.toml"],
    ],
  },
  {
    text: "railpack's default start command runs migrate, but our custom start command dropped it",
    edits: [
      ["custom start command", "custom start cmd"],
      ["dropped it", "dropped it on windows"],
      ["runs migrate", "runs manage.py migrate"],
    ],
  },
];

const PAIRS = BASES.flatMap(({ text, edits }) => edits.map(([from, to]) => ({ text, edited: text.replace(from, to) })));

describe("answers that one-word edits do not flip", () => {
  it("has at least 50 edit pairs, each one an actual edit", () => {
    expect(PAIRS.length).toBeGreaterThanOrEqual(50);
    for (const pair of PAIRS) expect(pair.edited).not.toBe(pair.text);
  });

  it.each(PAIRS)("answers $edited as it answers the unedited question", ({ text, edited }) => {
    const before = engine.answer(text);
    const after = engine.answer(edited);
    expect(before.matched, text).toBe(true);
    expect({ matched: after.matched, section: after.section?.id }).toEqual({ matched: before.matched, section: before.section?.id });
  });
});
