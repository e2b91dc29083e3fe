// The x87 arithmetic unit: pure functions over 80-bit values, bit-exact with
// a real x87 (see test/x87-float80.test.ts). No stack, tags or registers.
export * from './float80.js';
export * from './status.js';
export { add, sub, mul, div, sqrt } from './arith.js';
export { compare, test, examine, Relation, RELATION_CC, type X87Compare } from './compare.js';
export { fromInteger, loadFloat32, loadFloat64, loadInt, loadInt64, loadBcd } from './load.js';
export { storeFloat32, storeFloat64, storeInt, storeBcd, roundToInteger, type X87Store } from './store.js';
export { remainder } from './remainder.js';
export { scale, extract, roundInt, type X87Extracted } from './scale.js';
export { loadConstant, Constant } from './constants.js';
export { sin, cos, sincos, ptan, type X87SinCos, type X87Tan } from './trig.js';
export { patan, f2xm1, yl2x, yl2xp1 } from './logexp.js';
