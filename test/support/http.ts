import { expect } from 'vitest';

/** The club frontend's /chat call. */
export async function chat(
  base: string,
  body: Record<string, unknown>,
): Promise<{
  status: number;
  body: {
    response: string;
    last_agent: string | null;
    routine_number: number | null;
    session_id: string;
  };
}> {
  const response = await fetch(`${base}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as never };
}

/** Polls until `check` passes or the time is up. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    try {
      return await check();
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw lastError instanceof Error ? lastError : new Error('timed out');
}

/**
 * Sends each message of `script` to `base`'s /chat in one chat (a new one, or `sessionId`'s) and
 * expects each reply at the routine the script gives; the chat's session id.
 */
export async function chatThrough(
  base: string,
  script: readonly (readonly [text: string, routineAfter: number])[],
  sessionId?: string,
): Promise<string | undefined> {
  let id = sessionId;
  for (const [text, routine] of script) {
    const turn = await chat(base, { user_message: text, ...(id ? { session_id: id } : {}) });
    expect({ text, routine: turn.body.routine_number }).toEqual({ text, routine });
    id = turn.body.session_id;
  }
  return id;
}
