import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ENV_VARIABLES } from '../../server/config.ts';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFile(new URL(path, root), 'utf8');
const [dockerfile, compose, readme, packageJson] = await Promise.all([
  read('Dockerfile'),
  read('compose.yaml'),
  read('README.md'),
  read('package.json'),
]);
const scripts = Object.keys(
  (JSON.parse(packageJson) as { scripts: Record<string, string> }).scripts,
);

/** `npm run x` and `["npm", "run", "x"]` alike. */
const npmScripts = (text: string) => [
  ...[...text.matchAll(/npm run ([\w:.-]+)/g)].map((match) => match[1] ?? ''),
  ...[...text.matchAll(/["']npm["'],\s*["']run["'],\s*["']([\w:.-]+)["']/g)].map(
    (match) => match[1] ?? '',
  ),
];

/** Variables set under `environment:` in compose.yaml (a map, one per line). */
function composeVariables(text: string): string[] {
  const names: string[] = [];
  let indent: number | null = null;
  for (const line of text.split('\n')) {
    const depth = line.length - line.trimStart().length;
    if (/^\s*environment:\s*$/.test(line)) {
      indent = depth;
      continue;
    }
    if (indent === null || line.trim() === '' || line.trim().startsWith('#')) continue;
    if (depth <= indent) {
      indent = null;
      continue;
    }
    const name = /^\s*([A-Z][A-Z0-9_]*):/.exec(line)?.[1];
    if (name) names.push(name);
  }
  return names;
}

describe('the deployment files', () => {
  it('start only npm scripts that exist', () => {
    const used = [...npmScripts(dockerfile), ...npmScripts(compose)];
    expect(used).toEqual(expect.arrayContaining(['build', 'start:prod', 'worker:prod']));
    for (const script of used) expect(scripts).toContain(script);
  });

  it('copy only files that exist', () => {
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(?:--\S+ )*(.+) \S+$/gm)].flatMap(
      (match) => (match[1] ?? '').split(/\s+/),
    );
    expect(copied).toEqual(
      expect.arrayContaining(['package.json', 'tsconfig.build.json', 'server']),
    );
    for (const path of copied) expect(existsSync(new URL(path, root)), path).toBe(true);
  });

  it('set only variables the server reads', () => {
    const joined = dockerfile.replace(/\\\n/g, ' ');
    const fromDockerfile = [...joined.matchAll(/^ENV (.*)$/gm)].flatMap((match) =>
      [...(match[1] ?? '').matchAll(/([A-Z][A-Z0-9_]*)=/g)].map((name) => name[1]),
    );
    const fromCompose = composeVariables(compose);
    expect(fromDockerfile).toEqual(expect.arrayContaining(['NODE_ENV', 'DATA_DIR']));
    expect(fromCompose).toEqual(expect.arrayContaining(['REDIS_URL', 'RUN_WORKERS']));
    for (const name of [...fromDockerfile, ...fromCompose]) expect(ENV_VARIABLES).toContain(name);
  });

  it('keep Redis on disk, and run web and worker as separate services', () => {
    expect(compose).toMatch(/--appendonly', 'yes'/);
    expect(compose).toMatch(/^ {2}web:$/m);
    expect(compose).toMatch(/^ {2}worker:$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile.match(/^FROM node:20-slim/gm)).toHaveLength(2);
  });

  it('are started by README commands that exist', () => {
    expect(readme).toContain('docker compose up');
    const used = npmScripts(readme);
    expect(used).toEqual(expect.arrayContaining(['build', 'start:prod', 'inspect']));
    for (const script of used) expect(scripts).toContain(script);
  });
});
