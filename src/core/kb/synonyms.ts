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
}

export const SYNONYMS: readonly SynonymRule[] = [
  // Something is off with the cache or the deploy.
  { pattern: /\b(?:borked|busted|hosed|wonky|fubar|messed up|screwed|corrupt(?:ed)?|poisoned|haunted|cursed|janky|flaky|funky|weird|strange|acting (?:up|weird|strange|funny))\b/, adds: "stale symptom", strong: true },
  { pattern: /\b(?:old|older|previous|outdated|yesterday'?s|last week'?s|ancient|stale)\s+(?:code|version|build|image|files?|deploy(?:ment)?|template|model)s?\b|\bstale\b/, adds: "stale old code symptom", strong: true },
  { pattern: /\b(?:changes?|commits?|code|fix|update)\s+(?:(?:are|is|was|were)\s*n[o']t|not|never|don'?t|doesn'?t)\s+(?:show|live|pick|deploy|appl|reflect|tak)|\bnot picking up\b|\bdid(?:n'?t| not) pick up\b|\bignor(?:es|ing) (?:my|our) (?:changes|commit)/, adds: "stale old code symptom", strong: true },
  { pattern: /\bworks?\s+(?:fine\s+|perfectly\s+|great\s+)?(?:locally|on my (?:machine|laptop|computer|box)|in dev|on localhost)|\b(?:fine|ok|okay|works) (?:locally|on (?:my )?(?:laptop|machine|localhost))|\bonly (?:in|on) (?:prod|production|railway|the server)|\bnot locally\b|\bbut not (?:on|in) (?:prod|production|railway)/, adds: "works locally production only symptom", strong: true },
  { pattern: /\b500s?\b|\binternal server error\b|\bserver error\b/, adds: "500 server error symptom" },
  { pattern: /\bcach\w* (?:issues?|problems?|trouble|bugs?|weirdness|errors?)\b/, adds: "cache", strong: true },
  // Clearing the cache.
  { pattern: /\b(?:nuke|wipe|flush|purge|reset|bust|blow away|clear(?:ing)?(?: out)?|delete|drop|invalidate|refresh|empty|get rid of|kill)\b[^.?!]{0,30}\bcach/, adds: "clear build cache dashboard", strong: true },
  { pattern: /\bcach(?:e|ed)\b[^.?!]{0,25}\b(?:clear|wipe|purge|reset|nuke|flush)/, adds: "clear build cache dashboard", strong: true },
  { pattern: /\b(?:button|danger ?zone|dashboard|settings tab)\b/, adds: "dashboard danger zone clear" },
  { pattern: /\bhow (?:do (?:i|we) |to |can (?:i|we) |should (?:i|we) )?(?:fix|solve|resolve|repair|get rid of)\b|\bfix (?:it|this|that)\b|\bwhat (?:do|should|can) (?:i|we) do\b/, adds: "fix recommended clear" },
  // Forcing a clean build.
  { pattern: /\bno[-_ ]?cache\b|\bwithout (?:the |any )?cach|\bclean (?:build|install|rebuild)|\bfresh (?:build|install)|\bfrom scratch\b|\bforce[sd]? (?:a )?(?:clean |full |fresh )?(?:re)?(?:build|install)|\b(?:disable|turn off|skip|bypass|ignore)\b[^.?!]{0,20}\bcach/, adds: "no-cache clean build forced install", strong: true },
  { pattern: /\bnixpacks|\brailpack|\binstall (?:command|cmd)\b/, adds: "no-cache forced install variable" },
  // requirements.txt.
  { pattern: /\brequirements(?:\.txt)?\b|\bbump(?:ing)? (?:a |the )?(?:dep|version|package|pin)|\bdependenc(?:y|ies) (?:change|bump)/, adds: "requirements" },
  // Config as code and its cutoff.
  { pattern: /\brailway\.(?:toml|json)\b|\bconfig[- ]as[- ]code\b|\bdeprecat|\bcut-?off\b|\bdecember\b|\bdec(?:ember)? 1(?:st)?\b|12-01\b|\brailway\.ts\b|\binfrastructure as code\b|\bconfig migrate\b/, adds: "railway.toml deprecated cutoff", strong: true },
  // Prevention.
  { pattern: /\b(?:prevent|avoid|best practices?|tips?|recommend(?:ed|ation)?s?|do'?s and don'?ts|never again|in (?:the )?future|going forward|guidelines?|shouldn'?t|should (?:we|i) (?:keep|leave|delete|remove))\b|\b(?:permanent(?:ly)?|forever|for good|all the time|every build|(?:safe|ok|okay) to (?:leave|keep))\b/, adds: "prevention avoid best practice" },
  // Deleting bytecode by hand is one of the runbook's don'ts.
  { pattern: /\.?\bpyc\b|__pycache__|\bbytecode\b/, adds: "prevention bytecode", strong: true },
  // Triggers.
  { pattern: /\b(?:why (?:does|do|is|did)|what causes|cause[sd]?|when (?:does|do|will)|happens? after|trigger(?:s|ed)?|after (?:i|we) (?:changed?|added|renamed|moved|switched|refactored))\b/, adds: "trigger cause when" },
  { pattern: /\b(?:neon|supabase|planetscale|aiven|rds|cockroach)\b|\bswitch(?:ed|ing)? (?:the |our |db |database )*(?:db|database|provider)|\b(?:new|changed?|moved?|migrat(?:ed|ing)) (?:the |our )?(?:db|database)\b/, adds: "database provider switch trigger" },
  { pattern: /\brestructur|\brefactor|\b(?:renam|mov|split)(?:ed|ing|e)? (?:an? |the |our |my )?(?:django )?apps?\b|\bnew app\b|\binstalled_apps\b/, adds: "restructure imports trigger INSTALLED_APPS" },
  // Our own setup.
  { pattern: /\b(?:our|current|existing|the team'?s) (?:(?:auto(?:matic)? )?migrations|railway\.toml|database|db|build cache|setup|config(?:uration)?|settings|service)\b|\bhow (?:is|are) (?:our|the|we)\b[^.?!]{0,40}\b(?:set ?up|configured)|\bwhat do we (?:use|have)\b/, adds: "current setup" },
  // Migrations.
  { pattern: /\b(?:migrat(?:e|es|ion|ions)|makemigrations|schema|pre-?deploy|release (?:phase|command)|predeploycommand|manage\.py migrate)\b/, adds: "migration" },
];

export interface Expansion {
  terms: string[];
  /** Weighted count of rules that fired: 1 for deploy-specific slang, 0.5 for general phrasing. */
  fired: number;
  /** Whether a deploy-specific slang rule fired. */
  strong: boolean;
}

/** The extra query terms for `lowerText`, deduplicated. */
export function expandSynonyms(lowerText: string): Expansion {
  const terms = new Set<string>();
  let fired = 0;
  let strong = false;
  for (const rule of SYNONYMS) {
    if (!rule.pattern.test(lowerText)) continue;
    fired += rule.strong ? 1 : 0.5;
    strong ||= rule.strong === true;
    for (const term of rule.adds.split(" ")) terms.add(term);
  }
  return { terms: [...terms], fired, strong };
}
