/**
 * `work`'s outcome, or a failure ("no answer within N ms") once `timeoutMs` has passed without
 * one; the timer is cleared either way, so nothing outlives the call. `work` itself is not
 * stopped: for a store's command that cannot be cancelled, the caller stops waiting.
 */
export async function within<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
