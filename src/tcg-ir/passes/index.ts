import { type IrBlock } from '../ir.js';
import { foldConstants } from './fold.js';
import { propagateCopies } from './copyprop.js';
import { removeDeadCode } from './dce.js';

export { foldConstants, propagateCopies, removeDeadCode };
export { mul64 } from './fold.js';

/** The standard pipeline: fold, propagate, fold what propagation exposed, remove the dead. */
export function optimizeBlock(block: IrBlock): void {
  foldConstants(block);
  propagateCopies(block);
  foldConstants(block);
  removeDeadCode(block);
}
