// Owns the in-file duplicate check: the first valid row for a natural key wins; a later row
// with the same key and the same content is a harmless duplicate, one with different content
// is rejected naming both rows. Deterministic (file order only) and bounded: a Map from key to
// the first row's number (a small integer, stored unboxed) plus 8 bytes of content hash per
// row in paged Float64Arrays — about 70 bytes per distinct key, so ~70 MB for 1,000,000 keys.
const PAGE = 65_536;

export type DuplicateVerdict = { kind: 'first' } | { kind: 'identical'; firstRow: number } | { kind: 'conflict'; firstRow: number };

export class DuplicateTracker {
  private readonly firstRowOf = new Map<string, number>();
  private readonly hashPages: Float64Array[] = [];

  /** Records the row if its key is new; otherwise compares it with the first row for the key. */
  check(key: string, row: number, hash: number): DuplicateVerdict {
    const firstRow = this.firstRowOf.get(key);
    if (firstRow === undefined) {
      this.firstRowOf.set(key, row);
      this.setHash(row, hash);
      return { kind: 'first' };
    }
    return this.hashOf(firstRow) === hash ? { kind: 'identical', firstRow } : { kind: 'conflict', firstRow };
  }

  get size(): number {
    return this.firstRowOf.size;
  }

  private setHash(row: number, hash: number): void {
    const page = Math.floor(row / PAGE);
    while (this.hashPages.length <= page) this.hashPages.push(new Float64Array(PAGE));
    (this.hashPages[page] as Float64Array)[row % PAGE] = hash;
  }

  private hashOf(row: number): number {
    return (this.hashPages[Math.floor(row / PAGE)] as Float64Array)[row % PAGE] as number;
  }
}
