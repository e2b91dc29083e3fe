// Long-lived Int32Arrays carved out of shared chunks. A typed array over 64
// bytes gets its own backing store outside V8's heap, and allocating one
// costs over a microsecond (a third of preparing a block for the
// interpreter); a view on a chunk costs a few dozen nanoseconds. A chunk
// lives as long as any view on it: the interpreter's programs die mostly
// when their blocks are compiled or the cache is flushed, so chunks free up
// in bulk.

/** Words per chunk (256 KiB): about a hundred programs. */
const CHUNK_WORDS = 1 << 16;
/** Bigger requests get their own array (a chunk would hold few of them). */
const OWN_ARRAY_WORDS = CHUNK_WORDS >> 3;

export class Int32Slab {
  private chunk = new Int32Array(CHUNK_WORDS);
  private used = 0;

  /** `n` zeroed words that no other allocation shares. */
  alloc(n: number): Int32Array {
    if (n > OWN_ARRAY_WORDS) return new Int32Array(n);
    if (this.used + n > CHUNK_WORDS) {
      this.chunk = new Int32Array(CHUNK_WORDS);
      this.used = 0;
    }
    const view = this.chunk.subarray(this.used, this.used + n);
    this.used += n;
    return view;
  }
}
