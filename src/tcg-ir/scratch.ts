// Reusable typed arrays for per-block work. A typed array over 64 bytes
// lives outside V8's heap and costs ~0.3 us to allocate (and more to
// collect); a pass over a block of a few dozen temps takes about as long.
// Each user owns its own Scratch; what `take` returns is valid until that
// Scratch's next take (the passes run one block at a time, nothing nests).
export class Scratch {
  private buf: Int32Array;

  constructor(capacity = 256) { this.buf = new Int32Array(capacity); }

  /** `n` words, all set to `fill`. */
  take(n: number, fill = 0): Int32Array {
    if (this.buf.length < n) this.buf = new Int32Array(Math.max(n, this.buf.length * 2));
    const view = this.buf.subarray(0, n);
    view.fill(fill);
    return view;
  }
}
