/** The first index of ascending `sorted` whose value is not below `key` (sorted.length when none is). */
export function lowerBound(sorted: ArrayLike<number>, key: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]! < key) low = mid + 1;
    else high = mid;
  }
  return low;
}
