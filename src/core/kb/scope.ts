/**
 * Decides how clearly a message is about Railway deploys of a Django app at all, before
 * ranking decides which section fits. Near misses (Docker or npm caches, pricing, Django's
 * own cache framework, chit-chat) are recognised here.
 */

/**
 * 0: off topic; 1: maybe (deploy or Django words next to a problem: "prod is broken");
 * 2: clearly about the runbook's topics (build cache, migrations on deploy, railway.toml, an error signature).
 */
export type TopicLevel = 0 | 1 | 2;

export interface Scope {
  level: TopicLevel;
  /** Why a message is ruled out even if words match: pricing, another tool, a cache that is not the build cache. */
  veto: "pricing" | "other_tool" | "other_cache" | "other_railway" | "other_django" | null;
  /** Another tool is named next to Railway: lower the confidence. */
  otherToolPenalty: boolean;
  railway: boolean;
}

const RAILWAY = /\b(?:railway|nixpacks|railpack|no_cache|danger ?zone)|\b(?:nixpacks|railpack)_\w+/;
const DEPLOY_CONTEXT =
  /\b(?:re)?deploy\w*|\b(?:re)?build(?:s|ing)?\b|\bbuilt\b|\bprod(?:uction)?\b|\bstaging\b|\blive (?:site|app|server)\b|requirements\.txt|\bpre-?deploy\b|\bstale\b|\bstart ?command\b|\bgunicorn\b/;
const WEAK_CONTEXT =
  /\bcach(?:e|ed|es|ing)\b|\bmigrat\w*|\bmodels?\b|\binstalled_apps\b|\b500s?\b|\bset ?up\b|\bconfig\w*|\bdjango\b|\bmanage\.py\b|\bfield\b|\bimports?\b/;

// The runbook's own topics: a message naming one is in scope even without "railway".
const RUNBOOK_ANCHOR =
  /\bcach\w*|\bstale\b|\bmigrat\w*|makemigrations|no_cache|\b(?:clean|fresh)(?: \w+)? (?:build|install|rebuild|reinstall)|\brebuil\w*|\brequirements\b|railway\.(?:toml|json|ts)\b|config[- ]as[- ]code|\bdeprecat\w*|\bcut-?off\b|\b(?:nixpacks|railpack)\w*|\binstall (?:command|cmd)|\bpre-?deploy|\binstalled_apps\b|\bpyc\b|__pycache__|\bbytecode\b|\bdanger ?zone\b|\b(?:our|the team'?s|current)\b[^.?!]{0,25}\b(?:setup|config\w*|service|db|database|provider|project|stack|deploys?)\b|\bhow (?:is|are) (?:our|we)\b|\bwhat do we (?:use|have)\b/;
// Something is wrong: without it, deploy words alone ("how do I connect to railway postgres") are not our topic.
const PROBLEM =
  /\berror\w*|\bexception|\bfail\w*|\bbroke\w*|\bbreak\w*|\bcrash\w*|\bmissing\b|\bdoes ?n[o']?t (?:exist|work|show|change|update)|\bnot (?:working|found|showing|updating|updated|picking|applied|running)|\bwrong\b|\bissues?\b|\bproblems?\b|\bbugg?y?\b|\b500s?\b|\bold (?:code|version|build)|\boutdated\b|\bnever (?:shows?|updates?|changes?)|\bsame (?:old|error)\b|\bkeeps? happening|\bhappens? again\b/;
const PRICING =
  /\b(?:price|prices|pricing|costs?|costing|billing|billed|invoices?|per month|a month|monthly|subscriptions?|credits?|free tier|free plan|hobby plan|pro plan|team plan|trial|paying|refund|discount|coupon)\b|\$\d/;
const OTHER_TOOL =
  /\b(?:docker(?:file)?|docker-compose|compose\.ya?ml|buildx|buildkit|npm|npx|yarn|pnpm|node_modules|webpack|vite|heroku|slugs?|github actions|gh actions|actions\/cache|gitlab(?:-ci)?|circleci|jenkins|travis|vercel|netlify|render\.com|fly\.io|aws|elastic beanstalk|lambda|kubernetes|k8s|helm|brew|homebrew|conda|pip cache|pyenv|macos|mac|windows|wsl|gradle|maven|cargo|composer)\b/;
// Caches that are not the build cache: Django's cache framework, CDNs, browsers, proxies.
const OTHER_CACHE =
  /\b(?:cdn|edge cache|cloudflare|fastly|browser|chrome|firefox|safari|nginx|varnish|purgeservicecache|redis|memcached?|cache_page|caches setting|cache framework|per-view cach\w*|template (?:fragment )?cach\w*|low-level cache|cache\.(?:get|set|delete)|django-redis|cache backend|cache timeout|vary_on\w*|cache_control|cached_property|lru_cache|queryset cach\w*|cache (?:a|the|my|our) (?:queryset|view|page|query|function|result))\b/;
// Railway features the runbook does not cover: domains, regions, volumes, cron, variables in
// general, replicas, networking, picking a builder.
const OTHER_RAILWAY_TOPIC =
  /\b(?:custom domains?|domains?|dns|cname|ssl cert\w*|regions?|europe|eu|us-east|us-west|asia|volumes?|persistent (?:storage|disk)|cron(?: ?jobs?)?|scheduled (?:jobs?|tasks?)|replicas?|autoscal\w*|scal(?:e|ing) (?:up|out|horizontally)|private network\w*|tcp proxy|serverless|app sleeping|sleep(?:ing)? (?:services?|apps?)|backups?|snapshots?|team members?|seats?|sso|2fa|egress|bandwidth|static ip|outbound ip|websockets?)\b|\b(?:set|setting|add|adding|create|manage|use|using|share|sharing|reference|referencing)\b[^.?!]{0,25}\b(?:env(?:ironment)? ?var(?:iable)?s?|variables|secrets)\b|\b(?:nixpacks|railpack) (?:or|vs\.?|versus) (?:nixpacks|railpack)\b|\bwhich builder\b|\b(?:pick|choose|switch|move)\b[^.?!]{0,25}\bbuilder\b/;
// Words that keep a message about builds, caches and migrations even next to such a feature.
const RUNBOOK_TOPIC =
  /\bcach\w*|\bstale\b|\bmigrat\w*|no_cache|no-cache|\bclean (?:build|install|rebuild)|\bfresh (?:build|install)|\brequirements\b|\bold (?:code|version|build)|\binstall_cmd\b|\bpre-?deploy\b|railway\.(?:toml|json)|\bworks? locally\b/;
// Django migration how-tos (squash, roll back, fake, merge): the runbook only covers running them on deploy.
const MIGRATION_HOWTO =
  /\b(?:squash\w*|roll ?back|rolling back|revert\w*|unapply\w*|--fake\w*|fake (?:a |the )?(?:initial )?migrations?|merge migrations?|conflicting migrations|data migrations?|runpython|zero downtime)\b|\b(?:write|writing|create|creating|edit|editing|rename|renaming|reset|resetting|delete|deleting)\b[^.?!]{0,15}\bmigrations?\b(?! (?:run|runs|ran|on|to run|automatically))|\bmigrations?\b[^.?!]{0,20}\b(?:default value|add(?:s|ing)? a (?:default|column|field))\b/;
const BUILD_CACHE_PHRASE = /\bbuild[- ]cache\b|\bstale build\b|\bcache[sd]? build\b|\bno_cache\b|\bnixpacks\b/;

/**
 * Scope of a lower-cased, cleaned message; `signature`, `strongSynonym` and `teamTopic` (a word
 * naming a team runbook's topic) lift it to level 2.
 */
export function assessScope(lower: string, signals: { signature: boolean; strongSynonym: boolean; teamTopic?: boolean }): Scope {
  const railway = RAILWAY.test(lower);
  const otherTool = OTHER_TOOL.test(lower);
  let veto: Scope["veto"] = null;
  if (!signals.signature) {
    if (PRICING.test(lower)) veto = "pricing";
    else if (OTHER_CACHE.test(lower) && !BUILD_CACHE_PHRASE.test(lower)) veto = "other_cache";
    else if (otherTool && !railway) veto = "other_tool";
    // A team's own runbook may well cover a Railway feature or a Django how-to.
    else if (signals.teamTopic) veto = null;
    else if (MIGRATION_HOWTO.test(lower) && !/\bcach/.test(lower)) veto = "other_django";
    else if (OTHER_RAILWAY_TOPIC.test(lower) && !RUNBOOK_TOPIC.test(lower)) veto = "other_railway";
  }
  let level: TopicLevel = 0;
  if (signals.signature || signals.strongSynonym || signals.teamTopic || RUNBOOK_ANCHOR.test(lower)) level = 2;
  else if ((railway || DEPLOY_CONTEXT.test(lower) || WEAK_CONTEXT.test(lower)) && PROBLEM.test(lower)) level = 1;
  return { level, veto, otherToolPenalty: otherTool && railway, railway };
}
