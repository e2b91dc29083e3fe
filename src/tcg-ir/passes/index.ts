import { type IrBlock } from '../ir.js';
import { foldConstants } from './fold.js';
import { propagateCopies } from './copyprop.js';
import { removeDeadCode, type DceOptions } from './dce.js';

export { foldConstants, propagateCopies, removeDeadCode, type DceOptions };
export { mul64 } from './fold.js';

/** The standard pipeline: fold, propagate, fold what propagation exposed, remove the dead. */
export function optimizeBlock(block: IrBlock, opts: DceOptions = {}): void {
  foldConstants(block);
  propagateCopies(block);
  foldConstants(block);
  removeDeadCode(block, opts);
}
