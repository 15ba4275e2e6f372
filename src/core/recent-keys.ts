/** Remembers recent keys (delivered event ids) in memory; bounded so it cannot grow forever. */
export class RecentKeys {
  private readonly keys = new Set<string>();
  constructor(private readonly max = 5_000) {}

  /** True the first time `key` is seen; false for a repeat. */
  first(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    if (this.keys.size > this.max) this.keys.delete(this.keys.values().next().value as string);
    return true;
  }
}
