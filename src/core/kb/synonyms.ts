/**
 * Chat slang and indirect phrasings mapped to the vocabulary of the knowledge base. Each rule
 * adds its terms to the search query when its pattern occurs in the (lower-cased) text.
 */
export interface SynonymRule {
  pattern: RegExp;
  /** Space-separated terms that occur in the matching sections' keywords or titles. */
  adds: string;
  /** Slang that only makes sense about deploys and builds: puts the message in scope. */
  strong?: boolean;
  /**
   * The section a question of this shape asks for ("what kind of changes cause…" asks for the
   * triggers, whatever else it mentions): that section's search score is boosted.
   */
  intent?: string;
}

export const SYNONYMS: readonly SynonymRule[] = [
  // Something is off with the cache or the deploy.
  { pattern: /\b(?:borked|busted|hosed|wonky|fubar|messed up|screwed|corrupt(?:ed)?|poisoned|haunted|cursed|janky|flaky|funky|weird|strange|acting (?:up|weird|strange|funny))\b/, adds: "stale symptom", strong: true },
  { pattern: /\b(?:old|older|previous|outdated|yesterday'?s|last week'?s|ancient|stale|zombie|ghost|phantom|cached)\s+(?:code|version|build|image|files?|deploy(?:ment)?|template|model)s?\b|\bstale\b/, adds: "stale old code symptom", strong: true },
  { pattern: /\b(?:changes?|commits?|code|fix|update)\s+(?:(?:are|is|was|were)\s*n[o']t|not|never|don'?t|doesn'?t)\s+(?:show|live|pick|deploy|appl|reflect|tak)|\bnot picking up\b|\bdid(?:n'?t| not) pick up\b|\bignor\w* (?:my|our|the) (?:latest |last |new |recent )?(?:changes?|commits?|push(?:es)?|code|updates?|deploys?)\b/, adds: "stale old code symptom", strong: true },
  { pattern: /\bworks?\s+(?:fine\s+|perfectly\s+|great\s+)?(?:locally|on my (?:machine|laptop|computer|box)|in dev|on localhost)|\b(?:fine|ok|okay|works) (?:locally|on (?:my )?(?:laptop|machine|localhost))|\bonly (?:in|on) (?:prod|production|railway|the server)|\bnot locally\b|\bbut not (?:on|in) (?:prod|production|railway)/, adds: "works locally production only symptom", strong: true },
  // "the field isn't there on prod even though it's in models.py"
  { pattern: /\beven (?:tho|though|if)\b[^.?!]{0,30}\b(?:in|on) (?:the |my |our )?(?:code|repo\w*|models?(?:\.py)?|branch|main|master|github|git)\b|\b(?:is ?n'?t|not|never) (?:there|showing|visible|present)\b[^.?!]{0,20}\b(?:on|in) (?:prod\w*|railway|the server)\b/, adds: "stale old code symptom", strong: true },
  // Something broke: weak on its own, it only helps a question that is already about deploys.
  { pattern: /\b(?:broken|broke|breaks|busted)\b/, adds: "broken symptom" },
  { pattern: /\b500s?\b|\binternal server error\b|\bserver error\b/, adds: "500 server error symptom" },
  { pattern: /\bcach\w* (?:issues?|problems?|trouble|bugs?|weirdness|errors?)\b/, adds: "cache", strong: true },
  // Clearing the cache.
  { pattern: /\b(?:nuke|wipe|flush|purge|reset|bust|blow away|clear(?:ing)?(?: out)?|delete|drop|invalidate|refresh|empty|get rid of|kill)\b[^.?!]{0,30}\bcach/, adds: "clear build cache dashboard", strong: true },
  { pattern: /\bcach(?:e|ed)\b[^.?!]{0,25}\b(?:clear|wipe|purge|reset|nuke|flush)/, adds: "clear build cache dashboard", strong: true },
  { pattern: /\b(?:button|danger ?zone|dashboard|settings tab)\b/, adds: "dashboard danger zone clear" },
  { pattern: /\bhow (?:do (?:i|we) |to |can (?:i|we) |should (?:i|we) )?(?:fix|solve|resolve|repair|get rid of)\b|\bfix (?:it|this|that)\b|\bwhat (?:do|should|can) (?:i|we) do\b/, adds: "fix recommended clear" },
  // Cleared already and still broken: the runbook's checks after a rebuild.
  { pattern: /\b(?:clear\w*|wip\w*|purg\w*|redeploy\w*|rebuil\w*)\b[^.?!]{0,30}\b(?:did ?n'?t|did not|does ?n'?t|not|never) (?:work|help|fix|change)|\bstill (?:broken|failing|the same|old)\b[^.?!]{0,30}\bafter (?:clear|redeploy|rebuil)\w*/, adds: "clear redeploy rebuild source build logs", strong: true, intent: "fix-dashboard" },
  // Forcing a clean build.
  { pattern: /\bno[-_ ]?cache\b|\bwithout (?:the |any )?cach|\b(?:clean|fresh)(?: \w+)? (?:build|install|rebuild|reinstall)|\bfrom scratch\b|\bforce[sd]? (?:a )?(?:(?:clean|full|fresh|pip) )*(?:re)?(?:build|install)|\b(?:disable|turn off|skip|bypass|ignore)\b[^.?!]{0,20}\bcach/, adds: "no-cache clean build forced install", strong: true },
  { pattern: /\bnixpacks|\brailpack|\binstall (?:command|cmd)\b/, adds: "no-cache forced install variable" },
  // requirements.txt.
  { pattern: /\b(?:touch\w*|edit\w*|chang\w*|modif\w*|bump\w*|add(?:ing)? a comment|comment\w*|updat\w*)\b[^.?!]{0,25}\breq(?:uirement)?s(?:\.txt)?\b|\breq(?:uirement)?s(?:\.txt)?\b[^.?!]{0,25}\b(?:change|edit|touch|bump)/, adds: "requirements change bust invalidate", strong: true, intent: "fix-requirements-bust" },
  // The runbook's answer for people who cannot use the dashboard's button.
  { pattern: /(?:\bw\/o|\bwithout|\bno|\bnot? (?:have|got)|\black(?:ing)?|\bcan'?t (?:reach|access|open|get (?:in)?to|log ?in(?:to)?)|\bcannot (?:reach|access|open)|\bdon'?t have)\b[^.?!]{0,20}\b(?:dashboard|access|permissions?|admin rights)\b/, adds: "requirements cannot reach permission", strong: true, intent: "fix-requirements-bust" },
  { pattern: /\brequirements(?:\.txt)?\b|\bbump(?:ing)? (?:a |the )?(?:dep|version|package|pin)|\bdependenc(?:y|ies) (?:change|bump)/, adds: "requirements" },
  // Config as code and its cutoff.
  { pattern: /\brailway\.(?:toml|json)\b|\bconfig[- ]as[- ]code\b|\bdeprecat|\bcut-?off\b|\bdecember\b|\bdec(?:ember)? 1(?:st)?\b|12-01\b|\brailway\.ts\b|\binfrastructure as code\b|\bconfig migrate\b/, adds: "railway.toml deprecated cutoff", strong: true },
  // Prevention.
  { pattern: /\bdo'?s and don'?ts\b|\bdo and don'?t\b/, adds: "prevention avoid best practice", strong: true, intent: "prevention" },
  { pattern: /\b(?:prevent|avoid|best practices?|tips?|recommend(?:ed|ation)?s?|never again|in (?:the )?future|going forward|guidelines?|shouldn'?t|should (?:we|i) (?:keep|leave|delete|remove))\b|\b(?:permanent(?:ly)?|forever|for good|all the time|every build|(?:safe|ok|okay) to (?:leave|keep))\b/, adds: "prevention avoid best practice" },
  // Builds that got slow, or a forced clean build nobody removed.
  { pattern: /\b(?:slow(?:er)?|sluggish|taking (?:forever|ages)|takes? (?:forever|ages)|(?:way|much|so) longer)\b[^.?!]{0,30}\bbuild|\bbuild\w*\b[^.?!]{0,30}\b(?:slow(?:er)?|sluggish|forever|ages|tak(?:e|es|ing) (?:over |like |about )?\d+ ?(?:m|min|mins|minutes?|h|hours?))\b/, adds: "slow builds prevention", strong: true, intent: "prevention" },
  { pattern: /\b(?:leave|left|leaving|keep|keeping|forgot(?:ten)?|still (?:set|on|there))\b[^.?!]{0,30}\bno[-_ ]?cache|\b(?:is it|would it be) (?:bad|ok|okay|fine|safe|wise|a good idea) to (?:keep|leave|have)\b|\bno[-_ ]?cache\w*\b[^.?!]{0,30}\b(?:left (?:on|in)|still (?:set|on|there)|forgot)/, adds: "prevention left on permanent", strong: true, intent: "prevention" },
  // Deleting bytecode by hand is one of the runbook's don'ts.
  { pattern: /\.?\bpyc\b|__pycache__|\bbytecode\b/, adds: "prevention bytecode", strong: true },
  // Triggers.
  { pattern: /\bwhat (?:kinds?|kinda|sorts?|types?)(?: of)? (?:changes?|things?|stuff)\b|\b(?:what|which) changes\b|\bwhat (?:usually |typically )?(?:causes|triggers|sets off)\b/, adds: "trigger cause when", strong: true, intent: "triggers" },
  { pattern: /\b(?:why (?:does|do|is|did)|what causes|cause[sd]?|when (?:does|do|will)|happens? after|trigger(?:s|ed)?|after (?:i|we) (?:changed?|added|renamed|moved|switched|refactored))\b/, adds: "trigger cause when" },
  { pattern: /\b(?:switch|chang|mov|migrat)(?:e|es|ed|ing)? (?:from |to )?(?:the |our |a |db |database |new |different )*(?:db|database) ?providers?\b|\b(?:switch|chang|mov|migrat)(?:e|es|ed|ing)? (?:from )?(?:railway postgres|railway pg|heroku postgres|supabase|neon|rds|aiven)\b[^.?!]{0,20}\bto\b/, adds: "database provider switch trigger", strong: true, intent: "triggers" },
  { pattern: /\b(?:neon|supabase|planetscale|aiven|rds|cockroach)\b|\bswitch(?:ed|ing)? (?:the |our |db |database )*(?:db|database|provider)|\b(?:new|changed?|moved?|migrat(?:ed|ing)) (?:the |our )?(?:db|database)\b/, adds: "database provider switch trigger" },
  // A change just made to the app layout, told as the story of what broke: the triggers.
  { pattern: /\b(?:renamed|moved|split|restructured|refactored|reorgani[sz]ed)\b[^.?!]{0,20}\b(?:apps?|modules?|packages?|imports?)\b/, adds: "restructure imports trigger", strong: true, intent: "triggers" },
  { pattern: /\brestructur|\brefactor|\b(?:renam|mov|split)(?:ed|ing|e)? (?:an? |the |our |my )?(?:django )?apps?\b|\bnew app\b|\binstalled_apps\b/, adds: "restructure imports trigger INSTALLED_APPS" },
  // Our own setup.
  { pattern: /\b(?:our|current|existing|the team'?s) (?:(?:auto(?:matic)? )?migrations|railway\.toml|database|db|build cache|setup|config(?:uration)?|settings|service)\b|\bhow (?:is|are) (?:our|the|we)\b[^.?!]{0,40}\b(?:set ?up|configured)|\bwhat do we (?:use|have)\b/, adds: "current setup" },
  { pattern: /\b(?:our|the team'?s) (?:auto(?:matic)? )?migrations\b|\bdo (?:our|the) migrations\b|\bmigrations? (?:run|ran|work|happen)\w* (?:in|for|on) (?:our|the team'?s)\b/, adds: "current setup our migrations", strong: true, intent: "current-setup" },
  { pattern: /\bmigrat\w*\b[^.?!]{0,25}\b(?:not|never|n'?t|did ?n'?t|do ?n'?t|are ?n'?t|is ?n'?t|was ?n'?t|were ?n'?t|r not|stopped)\b[^.?!]{0,15}\b(?:run|ran|runn\w*|appl\w*|happen\w*|execut\w*)\b/, adds: "migration every deploy run automatically", strong: true, intent: "migrations" },
  // Migrations.
  { pattern: /\bwhere (?:should|do|can|to|would)\b[^.?!]{0,30}\bmigrat|\bmigrat\w*\b[^.?!]{0,30}\b(?:go|put|move|run from|live)\b/, adds: "migration pre-deploy start command", strong: true, intent: "migrations" },
  { pattern: /\b(?:migrat(?:e|es|ion|ions)|makemigrations|schema|pre-?deploy|release (?:phase|command)|predeploycommand|manage\.py migrate)\b/, adds: "migration" },
];

export interface Expansion {
  terms: string[];
  /** Weighted count of rules that fired: 1 for deploy-specific slang, 0.5 for general phrasing. */
  fired: number;
  /** Whether a deploy-specific slang rule fired. */
  strong: boolean;
  /** Sections that the question's shape asks for. */
  intents: string[];
}

/** The extra query terms for `lowerText`, deduplicated. */
export function expandSynonyms(lowerText: string): Expansion {
  const terms = new Set<string>();
  let fired = 0;
  let strong = false;
  const intents = new Set<string>();
  for (const rule of SYNONYMS) {
    if (!rule.pattern.test(lowerText)) continue;
    fired += rule.strong ? 1 : 0.5;
    strong ||= rule.strong === true;
    if (rule.intent) intents.add(rule.intent);
    for (const term of rule.adds.split(" ")) terms.add(term);
  }
  return { terms: [...terms], fired, strong, intents: [...intents] };
}
