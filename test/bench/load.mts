/**
 * The bench's load generator, in its own process (forked by run.mts, answering over IPC): simulated
 * parents each type the whole scripted registration (test/support/registration-script.ts) to
 * POST /chat, CONCURRENCY parents at a time. In `step` mode the parents go one at a time and the
 * turn at `stepIndex` is timed alone, with the server's CPU time read around it from /proc.
 */
import { REGISTRATION_MESSAGES } from '../support/registration-script.ts';
import { cpuNs } from './processes.mts';
import { letters } from './figures.mts';

export type LoadJob = {
  base: string;
  parents: number;
  concurrency: number;
  /** Makes the children of this run differ from every other run's (one registration per child). */
  tag: string;
  /** `step`: one parent at a time, timing the turn at stepIndex (CPU of serverPid around it). */
  step?: { index: number; serverPid: number };
};
export type LoadResult = {
  turns: number;
  seconds: number;
  /** Every turn's latency, sorted. */
  ms: number[];
  /** In step mode: each timed turn's latency and the server's CPU during it. */
  steps: { ms: number; cpuMs: number }[];
  /** Turns answered with an error status. */
  failures: number;
  /** Parents whose last answer was not at the shirt number or the photo (routine 33 or 34). */
  unfinished: number;
};

/** Runs `jobs` with at most `limit` in flight. */
async function pool(jobs: number, limit: number, job: (index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, jobs) }, async () => {
      while (next < jobs) await job(next++);
    }),
  );
}

/**
 * The script for one parent: their own child (a middle name of letters from the run's tag and
 * the parent's number), and a shirt number that varies.
 */
function messagesOf(tag: string, parent: number) {
  const child = `leo ${tag.replace(/[^a-z]/g, '')}${letters(parent)} o’brien`;
  return REGISTRATION_MESSAGES.map((text, index) =>
    text === 'leo o’brien'
      ? child
      : index === REGISTRATION_MESSAGES.length - 1
        ? `number ${(parent % 25) + 1}`
        : text,
  );
}

export async function runLoad(job: LoadJob): Promise<LoadResult> {
  const ms: number[] = [];
  const steps: LoadResult['steps'] = [];
  let failures = 0;
  let unfinished = 0;
  const registerOne = async (parent: number) => {
    let sessionId: string | undefined;
    let routine: number | null = null;
    const messages = messagesOf(job.tag, parent);
    for (const [index, text] of messages.entries()) {
      const timed = job.step?.index === index;
      const cpuBefore = timed && job.step ? cpuNs(job.step.serverPid) : 0;
      const started = performance.now();
      const response = await fetch(`${job.base}/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          user_message: text,
          ...(sessionId ? { session_id: sessionId } : {}),
        }),
      });
      const body = (await response.json()) as { session_id?: string; routine_number?: number };
      const elapsed = performance.now() - started;
      if (timed && job.step) {
        steps.push({ ms: elapsed, cpuMs: (cpuNs(job.step.serverPid) - cpuBefore) / 1e6 });
      }
      ms.push(elapsed);
      if (!response.ok) failures += 1;
      sessionId = body.session_id ?? sessionId;
      routine = body.routine_number ?? null;
      if (job.step && index === job.step.index) {
        if (routine !== 30) unfinished += 1;
        return;
      }
    }
    if (routine !== 33 && routine !== 34) unfinished += 1;
  };
  const started = performance.now();
  await pool(job.parents, job.step ? 1 : job.concurrency, registerOne);
  return {
    turns: ms.length,
    seconds: (performance.now() - started) / 1000,
    ms: ms.sort((a, b) => a - b),
    steps,
    failures,
    unfinished,
  };
}

// Forked by run.mts: one job per message, its result sent back.
if (process.send) {
  process.on('message', (job: LoadJob) => {
    runLoad(job).then(
      (result) => process.send?.({ ok: true, result }),
      (error: unknown) => process.send?.({ ok: false, error: String(error) }),
    );
  });
  process.send({ ready: true });
}
