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

/** Hashes the words of `words` (an Int32Array view) continuing from `seed`: four interleaved lanes, then combined. */
export function hashWords(words: Int32Array, seed = 0): number {
  let h0 = seed | 0, h1 = h0 ^ 0x9e3779b9, h2 = h0 ^ 0x7f4a7c15, h3 = h0 ^ 0x85ebca6b;
  const n = words.length & ~3;
  for (let i = 0; i < n; i += 4) {
    h0 = mix(h0, words[i]);
    h1 = mix(h1, words[i + 1]);
    h2 = mix(h2, words[i + 2]);
    h3 = mix(h3, words[i + 3]);
  }
  for (let i = n; i < words.length; i++) h0 = mix(h0, words[i]);
  return finish(mix(mix(mix(h0, h1), h2), h3), words.length);
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
