// A describe block's expensive setup (building guests, running them) done
// once in beforeAll; a failure there fails every test of the block with its
// message (install gcc-multilib, ...) instead of leaving them skipped.
import { beforeAll } from 'vitest';

/** Registers `setup` to run once before the block's tests; call the returned function first in each test. */
export function setupOnce(setup: () => void, timeoutMs = 300_000): () => void {
  let error: unknown = null;
  beforeAll(() => {
    try {
      setup();
    } catch (e) {
      error = e;
    }
  }, timeoutMs);
  return () => {
    if (error) throw error;
  };
}
