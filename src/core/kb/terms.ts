/** Tokenising and light stemming shared by the index and the queries. */

const SPLIT = /[^\p{L}\p{N}]+/u;
const SPACE = /\s/g;
/** queryTerms reads a long text this much at a time (to the next space), so a paste is read only up to the limit. */
const CHUNK_CHARS = 1_000;

const STOPWORDS = new Set(
  (
    "a an the and or but if then so of to in on at by for with from into onto about as is are was were be been being am " +
    "do does did done doing have has had having i me my we our us you your it its this that these those there here " +
    "what which who whom how can could should would will shall may might must just also very really too not no yes " +
    "any some all each every get got gets getting im ive its dont doesnt didnt cant wont isnt arent wasnt hey hi hello " +
    "please thanks thank pls plz guys team folks anyone someone somebody help need want know way thing stuff " +
    "up out over again still now after before when why where while keeps keep seems seem like one django " +
    "don doesn didn isn aren wasn weren couldn shouldn wouldn won haven hasn ll re ve " +
    // Chat filler: says nothing about the topic, but would dilute how much of a question is understood.
    "rn atm lol lmao wtf tbh idk imo btw fyi asap thx ty ur kinda sorta gonna wanna ok okay yeah yo bro dude " +
    "ugh hmm omg smh ngl literally actually basically super def definitely exactly " +
    "see saw find found option options anywhere anything something everything somewhere trick tricks known " +
    "wondering question quick quickly possible possibly dos donts"
  ).split(" "),
);

/** Lower-case, drop a plural or -ing/-ed ending and a final e, so "caching", "cached", "cache" meet. */
export function stem(word: string): string {
  let w = word.toLowerCase();
  if (w.length > 4 && w.endsWith("ies")) w = `${w.slice(0, -3)}y`;
  else if (w.length > 3 && w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us")) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith("ing")) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith("ed")) w = w.slice(0, -2);
  else if (w.length > 6 && w.endsWith("tion")) w = w.slice(0, -3);
  if (w.length > 3 && w.endsWith("e")) w = w.slice(0, -1);
  return w;
}

export function tokenize(text: string): string[] {
  return text.split(SPLIT).filter((token) => token !== "");
}

/** The index/query form of a token, or null for a stopword or a one-letter token. */
export function processTerm(token: string): string | null {
  const lowered = token.toLowerCase();
  const lower = lowered.includes("'") ? lowered.replace(/'/g, "") : lowered;
  if (lower.length < 2 || STOPWORDS.has(lower)) return null;
  const stemmed = stem(lower);
  // Plurals and endings of stopwords ("things", "donts") are stopwords too.
  return STOPWORDS.has(stemmed) ? null : stemmed;
}

/** Distinct processed terms of `text`, at most `limit`. */
export function queryTerms(text: string, limit: number): string[] {
  const out = new Set<string>();
  // A token seen before adds nothing: tracebacks repeat theirs hundreds of times.
  const seen = new Set<string>();
  for (let from = 0; from < text.length && out.size < limit;) {
    SPACE.lastIndex = Math.min(text.length, from + CHUNK_CHARS);
    const to = SPACE.exec(text)?.index ?? text.length;
    for (const token of tokenize(text.slice(from, to))) {
      if (seen.has(token)) continue;
      seen.add(token);
      const term = processTerm(token);
      if (term) out.add(term);
      if (out.size >= limit) break;
    }
    from = to;
  }
  return [...out];
}
