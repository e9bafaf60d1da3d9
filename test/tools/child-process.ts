import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A TypeScript script run as its own process (`node --import tsx`), read line by line. */
export type ScriptProcess = {
  child: ChildProcessWithoutNullStreams;
  /** Every line printed so far (the array fills as lines arrive). */
  lines: string[];
  /** Resolves with the first line (from now on, or already printed) that matches. */
  line(match: (line: string, index: number) => boolean, timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
};

export function runScript(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): ScriptProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env,
  });
  const lines: string[] = [];
  const waiting = new Set<() => void>();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    waiting.forEach((check) => check());
  });
  // "close", not "exit": every line the process printed has been read by then.
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  const line = (match: (line: string, index: number) => boolean, timeoutMs = 15_000) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(check);
        reject(new Error(`${script} printed no matching line in ${timeoutMs} ms\n${stderr}`));
      }, timeoutMs);
      const check = () => {
        const found = lines.find((candidate, index) => match(candidate, index));
        if (found === undefined) return;
        clearTimeout(timer);
        waiting.delete(check);
        resolve(found);
      };
      waiting.add(check);
      check();
      void exited.then(() => {
        if (!waiting.has(check)) return;
        clearTimeout(timer);
        waiting.delete(check);
        reject(new Error(`${script} exited before printing a matching line\n${stderr}`));
      });
    });
  return { child, lines, line, exited };
}
