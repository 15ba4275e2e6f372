/**
 * Decides how clearly a message is about Railway deploys of a Django app at all, before
 * ranking decides which section fits. Near misses (Docker or npm caches, pricing, Django's
 * own cache framework, chit-chat) are recognised here.
 */

/** 0: off topic, 1: maybe (a Django or cache word), 2: clearly about Railway deploys/builds. */
export type TopicLevel = 0 | 1 | 2;

export interface Scope {
  level: TopicLevel;
  /** Why a message is ruled out even if words match: pricing, another tool, a cache that is not the build cache. */
  veto: "pricing" | "other_tool" | "other_cache" | null;
  /** Another tool is named next to Railway: lower the confidence. */
  otherToolPenalty: boolean;
  railway: boolean;
}

const RAILWAY = /\b(?:railway|nixpacks|railpack|no_cache|danger ?zone)|\b(?:nixpacks|railpack)_\w+/;
const DEPLOY_CONTEXT =
  /\b(?:re)?deploy\w*|\b(?:re)?build(?:s|ing)?\b|\bbuilt\b|\bprod(?:uction)?\b|\bstaging\b|\blive (?:site|app|server)\b|requirements\.txt|\bpre-?deploy\b|\bstale\b|\bstart ?command\b|\bgunicorn\b/;
const WEAK_CONTEXT =
  /\bcach(?:e|ed|es|ing)\b|\bmigrat\w*|\bmodels?\b|\binstalled_apps\b|\b500s?\b|\bset ?up\b|\bconfig\w*|\bdjango\b|\bmanage\.py\b|\bfield\b|\bimports?\b/;

const PRICING =
  /\b(?:price|prices|pricing|costs?|costing|billing|billed|invoices?|per month|a month|monthly|subscriptions?|credits?|free tier|free plan|hobby plan|pro plan|team plan|trial|paying|refund|discount|coupon)\b|\$\d/;
const OTHER_TOOL =
  /\b(?:docker(?:file)?|docker-compose|compose\.ya?ml|buildx|buildkit|npm|npx|yarn|pnpm|node_modules|webpack|vite|heroku|slugs?|github actions|gh actions|actions\/cache|gitlab(?:-ci)?|circleci|jenkins|travis|vercel|netlify|render\.com|fly\.io|aws|elastic beanstalk|lambda|kubernetes|k8s|helm|brew|homebrew|conda|pip cache|pyenv|macos|mac|windows|wsl|gradle|maven|cargo|composer)\b/;
// Caches that are not the build cache: Django's cache framework, CDNs, browsers, proxies.
const OTHER_CACHE =
  /\b(?:cdn|edge cache|cloudflare|fastly|browser|chrome|firefox|safari|nginx|varnish|purgeservicecache|redis|memcached?|cache_page|caches setting|cache framework|per-view cach\w*|template (?:fragment )?cach\w*|low-level cache|cache\.(?:get|set|delete)|django-redis|cache backend|cache timeout|vary_on\w*|cache_control|cached_property|lru_cache|queryset cach\w*|cache (?:a|the|my|our) (?:queryset|view|page|query|function|result))\b/;
const BUILD_CACHE_PHRASE = /\bbuild[- ]cache\b|\bstale build\b|\bcache[sd]? build\b|\bno_cache\b|\bnixpacks\b/;

/** Scope of a lower-cased, cleaned message; `strongSynonym` and `signature` lift it to level 2. */
export function assessScope(lower: string, signals: { signature: boolean; strongSynonym: boolean }): Scope {
  const railway = RAILWAY.test(lower);
  const otherTool = OTHER_TOOL.test(lower);
  let veto: Scope["veto"] = null;
  if (!signals.signature) {
    if (PRICING.test(lower)) veto = "pricing";
    else if (OTHER_CACHE.test(lower) && !BUILD_CACHE_PHRASE.test(lower)) veto = "other_cache";
    else if (otherTool && !railway) veto = "other_tool";
  }
  let level: TopicLevel = 0;
  if (railway || signals.signature || signals.strongSynonym || DEPLOY_CONTEXT.test(lower)) level = 2;
  else if (WEAK_CONTEXT.test(lower)) level = 1;
  return { level, veto, otherToolPenalty: otherTool && railway, railway };
}
