// Hex and byte-string helpers for the remote serial protocol. Every parser here
// is strict and returns null on bad input, so a malformed packet becomes an
// `E` reply rather than an exception or a silently wrong number.

const HEX_DIGITS = '0123456789abcdef';

/** Value of one ASCII hex digit (either case), or -1. */
export function hexDigitValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10;
  if (code >= 0x41 && code <= 0x46) return code - 0x41 + 10;
  return -1;
}

/** Two lowercase hex digits for the low byte of n. */
export function hexByte(n: number): string {
  return HEX_DIGITS[(n >>> 4) & 0xf]! + HEX_DIGITS[n & 0xf]!;
}

export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += hexByte(bytes[i]!);
  return out;
}

/** Bytes of an even-length hex string; null if it is odd-length or holds a non-hex character. */
export function hexToBytes(text: string): Uint8Array | null {
  if (text.length % 2 !== 0) return null;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexDigitValue(text.charCodeAt(2 * i));
    const lo = hexDigitValue(text.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return null;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/**
 * An unsigned hex number of 1..16 digits (leading zeros allowed) that is at
 * most `max`; null otherwise.
 */
export function parseHexNumber(text: string, max = Number.MAX_SAFE_INTEGER): number | null {
  if (text.length === 0 || text.length > 16) return null;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const d = hexDigitValue(text.charCodeAt(i));
    if (d < 0) return null;
    value = value * 16 + d;
  }
  return value <= max ? value : null;
}

/** The bytes of a string whose characters are all in 0..255 (one byte per character). */
export function latin1ToBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** One character per byte: the inverse of latin1ToBytes. */
export function bytesToLatin1(bytes: Uint8Array): string {
  let out = '';
  const CHUNK = 8192;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    out += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return out;
}
