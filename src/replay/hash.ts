// A fast, deterministic 32-bit hash over 32-bit words (a MurmurHash3-style
// mix, written from its published description), for checkpoint hashes of the
// CPU state and RAM. Not cryptographic: it detects divergence, nothing more.

function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number, len: number): number {
  h ^= len;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hashes the words of `words` (an Int32Array view) continuing from `seed`. */
export function hashWords(words: Int32Array, seed = 0): number {
  let h = seed | 0;
  for (let i = 0; i < words.length; i++) h = mix(h, words[i]);
  return finish(h, words.length);
}

/** Hashes a list of numbers (each taken as an int32 pair for doubles up to 2^53). */
export function hashNumbers(values: number[], seed = 0): number {
  let h = seed | 0;
  for (const v of values) {
    h = mix(h, v % 0x100000000 | 0);
    h = mix(h, Math.floor(v / 0x100000000) | 0);
  }
  return finish(h, values.length);
}
