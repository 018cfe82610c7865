/** A bounded memo keyed by document text, for work that depends on the text alone. */

/**
 * What was derived from the texts seen last, the least recently used dropped first. A preview hands the
 * same document text to Check (the program's and the old inputs') and then to Diff (the state's and the
 * checked inputs'), so each text is worked out once instead of up to four times. Texts longer than
 * `maxKeyLength` are not kept, so the memo stays small whatever documents come.
 */
export class RecentMemo<V> {
  private readonly entries = new Map<string, V>();

  constructor(
    private readonly capacity: number,
    private readonly maxKeyLength: number,
  ) {}

  /** The value for `key`: the one kept, or `derive()`'s, kept for next time. */
  get(key: string, derive: () => V): V {
    if (key.length > this.maxKeyLength) return derive();
    const kept = this.entries.get(key);
    if (kept !== undefined) {
      // Re-inserted, it becomes the most recent: a Map iterates in insertion order.
      this.entries.delete(key);
      this.entries.set(key, kept);
      return kept;
    }
    const value = derive();
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, value);
    return value;
  }
}
