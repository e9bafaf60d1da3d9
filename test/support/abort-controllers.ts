import { vi } from 'vitest';

/**
 * Counts the AbortControllers made (and so AbortSignals) until `stop()`: the global is replaced by
 * a subclass that counts, which code looking `AbortController` up at the call picks up.
 */
export function countAbortControllers() {
  let made = 0;
  vi.stubGlobal(
    'AbortController',
    class extends AbortController {
      constructor() {
        super();
        made += 1;
      }
    },
  );
  return { made: () => made, stop: () => vi.unstubAllGlobals() };
}
