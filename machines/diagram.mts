/**
 * `npm run diagram`: draws the session flow from `sessionMachine.toJSON()` into
 * docs/flow.svg (the picture in the README), docs/flow.json (the machine's own JSON) and
 * docs/flow.stately.js (a createMachine config that Stately's editor imports). Graphviz runs as
 * WebAssembly, so no system package is needed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { instance } from '@viz-js/viz';
import { format } from 'prettier';
import { routines, isRoutineId } from '../routines/index.ts';
import { statelyMachineCode } from './flow-chart.ts';
import { sessionMachine } from './session.machine.ts';

type Guard = string | { type: string; params?: Record<string, unknown> };
type NodeJson = {
  id: string;
  key: string;
  tags?: string[];
  meta?: { routine?: string; number?: number; effect?: string; agent?: string };
  states?: Record<string, NodeJson>;
  on?: Record<string, { target?: string[]; guard?: Guard }[]>;
  always?: { target?: string[]; guard?: Guard }[];
};

const quote = (text: string) => `"${text.replace(/"/g, '\\"')}"`;
const nodeId = (id: string) => quote(id.replace(/^#?session\.?/, '') || 'session');

function guardLabel(guard?: Guard) {
  if (!guard) return '';
  if (typeof guard === 'string') return ` [${guard}]`;
  const params = guard.params ? Object.values(guard.params).map(String).join('=') : '';
  return ` [${guard.type === 'answerIs' ? params : guard.type === 'isCorrectionOf' ? `fix ${params}` : guard.type}]`;
}

function label(node: NodeJson): string {
  const { routine, effect } = node.meta ?? {};
  if (routine && isRoutineId(routine)) return `${routines[routine].number}. ${node.key}`;
  if (effect) return `⚙ ${node.key}`;
  return node.key;
}

const isCorrection = (from: string, to: string, event: string, guard?: Guard) =>
  event === 'user.corrected' ||
  to.endsWith('afterCorrection') ||
  from.endsWith('afterCorrection') ||
  (typeof guard === 'string' && guard === 'isCorrecting');

/** Corrections are drawn faint and do not shape the layout, so the main flow reads top to bottom. */
function edge(from: string, target: string, event: string, guard?: Guard): string {
  const compound = target.replace(/^#/, '') === 'session.newRegistration';
  const to = compound ? '#session.newRegistration.starting' : target;
  const attributes = isCorrection(from, target, event, guard)
    ? ['style=dashed', 'color="#b0b0b0"', 'constraint=false', 'arrowsize=0.5']
    : [`label=${quote(`${event.replace(/^user\./, '')}${guardLabel(guard)}`)}`];
  if (compound) attributes.push(`lhead=${quote('cluster_session.newRegistration')}`);
  return `${nodeId(from)} -> ${nodeId(to)} [${attributes.join(' ')}];`;
}

function toDot(root: NodeJson): string {
  const lines = [
    'digraph flow {',
    'rankdir=TB; compound=true; fontname="Helvetica";',
    'node [fontname="Helvetica" fontsize=11 shape=box style="rounded,filled" fillcolor="#eef4ff"];',
    'edge [fontname="Helvetica" fontsize=9 color="#555555"];',
  ];
  const edges: string[] = [];
  const visit = (node: NodeJson, depth: number) => {
    const children = Object.values(node.states ?? {});
    if (children.length > 0 && depth > 0)
      lines.push(
        `subgraph ${quote(`cluster_${node.id}`)} { label=${quote(node.key)}; style="rounded"; color="#2255aa";`,
      );
    for (const child of children) {
      if (Object.keys(child.states ?? {}).length === 0) {
        const effect = child.tags?.includes('effect');
        const decision = child.always !== undefined;
        const colour = effect
          ? '#fff3d6'
          : decision
            ? '#e8f7e8'
            : child.tags?.includes('finished')
              ? '#dff0ff'
              : '#eef4ff';
        lines.push(
          `${nodeId(child.id)} [label=${quote(label(child))} fillcolor="${colour}"${decision ? ' shape=diamond style=filled' : ''}];`,
        );
      }
      visit(child, depth + 1);
    }
    if (children.length > 0 && depth > 0) lines.push('}');
    const transitions = [
      ...Object.entries(node.on ?? {}).flatMap(([event, list]) =>
        list.map((t) => ({ ...t, event })),
      ),
      ...(node.always ?? []).map((t) => ({ ...t, event: 'always' })),
    ];
    for (const transition of transitions) {
      for (const target of transition.target ?? []) {
        if (node.id === 'session') continue;
        edges.push(edge(node.id, target, transition.event, transition.guard));
      }
    }
  };
  visit(root, 0);
  return [...lines, ...edges, '}'].join('\n');
}

/** XState 5.33's toJSON() leaves out eventless (`always`) transitions; put them back from the nodes. */
function withAlways(node: NodeJson): NodeJson {
  const live = sessionMachine.getStateNodeById(node.id);
  const always = live.always?.map((transition) => ({
    target: (transition.target ?? []).map((target) => `#${target.id}`),
    ...(transition.guard ? { guard: transition.guard as Guard } : {}),
  }));
  const states = Object.fromEntries(
    Object.entries(node.states ?? {}).map(([key, child]) => [key, withAlways(child)]),
  );
  return { ...node, states, ...(always ? { always } : {}) };
}

// Round-tripped through JSON so that state-node references become their "#id" strings.
const json = withAlways(JSON.parse(JSON.stringify(sessionMachine.toJSON())) as NodeJson);
const viz = await instance();
await mkdir('docs', { recursive: true });
await writeFile('docs/flow.svg', viz.renderString(toDot(json), { format: 'svg', engine: 'dot' }));
await writeFile('docs/flow.json', `${JSON.stringify(json, null, 2)}\n`);
await writeFile(
  'docs/flow.stately.js',
  await format(statelyMachineCode(), { parser: 'babel', singleQuote: true, printWidth: 100 }),
);
process.stdout.write('wrote docs/flow.svg, docs/flow.json and docs/flow.stately.js\n');
