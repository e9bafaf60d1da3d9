/**
 * `npm run build [-- <outDir>] [--no-check]` (tsx scripts/build.ts): the server, its workers and
 * everything they import compiled to JavaScript by tsc (tsconfig.build.json, relative `.ts` imports rewritten to `.js`), then the
 * files the compiled code reads beside itself copied in: the chat page (server/public) and the
 * HEIC worker thread (tools/photos/heic-worker.js). The club configuration JSON is emitted by tsc.
 * Start the result with `npm run start:prod` / `npm run worker:prod`.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
/** `--no-check`: emit without type-checking (tsc --noCheck; `npm run typecheck` checks), for tests. */
const noCheck = args.includes('--no-check');
const outDir = resolve(args.find((arg) => !arg.startsWith('--')) ?? join(root, 'dist'));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
/** Node 20 reads a .js file as CommonJS unless the nearest package.json says otherwise. */
const PACKAGE = { type: 'module', private: true };

rmSync(outDir, { recursive: true, force: true });
const tscArgs = ['-p', join(root, 'tsconfig.build.json'), '--outDir', outDir];
execFileSync(process.execPath, [tsc, ...tscArgs, ...(noCheck ? ['--noCheck'] : [])], {
  stdio: 'inherit',
});
for (const path of ['server/public', 'tools/photos/heic-worker.js']) {
  cpSync(join(root, path), join(outDir, path), { recursive: true });
}
writeFileSync(join(outDir, 'package.json'), `${JSON.stringify(PACKAGE, null, 2)}\n`);
process.stdout.write(`built ${outDir}\n`);
