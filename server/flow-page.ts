import type { FlowNode } from '../machines/flow-chart.ts';
import type { Journey } from '../tools/flow-stats/port.ts';

/** A session idle for longer than this is counted as having given up where it rests. */
export const IDLE_MS = 24 * 3600_000;

/** What the flow page shows for one state: counts and a median, never anyone's details. */
export type StateFigures = {
  /** Unfinished sessions resting here whose last message came within the last day. */
  now: number;
  /** Unfinished sessions that rest here, silent for more than a day, within the days asked. */
  gaveUp: number;
  /** Sessions that reached this state (passed through it, or rest in it). */
  reached: number;
  /** Median time spent in this state by sessions that moved on from it, or null. */
  medianMs: number | null;
};

export type FlowSummary = {
  days: number;
  sessions: number;
  finished: number;
  states: Record<string, StateFigures>;
};

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? null)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Per state: who rests there now, who gave up there, who reached it, and the median time there. */
export function summariseFlow(journeys: readonly Journey[], now: Date, days: number): FlowSummary {
  const states: Record<string, StateFigures> = {};
  const spent: Record<string, number[]> = {};
  const figures = (path: string) =>
    (states[path] ??= { now: 0, gaveUp: 0, reached: 0, medianMs: null });
  const idleSince = now.getTime() - IDLE_MS;
  for (const journey of journeys) {
    const resting = figures(journey.state);
    resting.reached += 1;
    if (!journey.finished) {
      if (journey.lastAt >= idleSince) resting.now += 1;
      else resting.gaveUp += 1;
    }
    for (const [path, ms] of Object.entries(journey.spentMs)) {
      figures(path).reached += 1;
      (spent[path] ??= []).push(ms);
    }
  }
  for (const [path, values] of Object.entries(spent)) figures(path).medianMs = median(values);
  return {
    days,
    sessions: journeys.length,
    finished: journeys.filter((journey) => journey.finished).length,
    states,
  };
}

const escape = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (char) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char,
  );

/** 95000 → "1 min 35 s". */
export function duration(ms: number | null): string {
  if (ms === null) return '–';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

const label = (node: FlowNode) => (node.number === null ? node.key : `${node.number}. ${node.key}`);
const EMPTY: StateFigures = { now: 0, gaveUp: 0, reached: 0, medianMs: null };

function stateBox(node: FlowNode, summary: FlowSummary): string {
  if (node.children.length > 0) {
    return `<section class="group" data-state="${escape(node.path)}"><h2>${escape(node.key)}</h2>
<div class="states">${node.children.map((child) => stateBox(child, summary)).join('\n')}</div></section>`;
  }
  const figures = summary.states[node.path] ?? EMPTY;
  const targets = node.targets.map((target) => escape(target.split('.').pop() ?? target));
  return `<div class="state ${node.kind}" data-state="${escape(node.path)}" data-now="${figures.now}" data-gave-up="${figures.gaveUp}">
<div class="name">${escape(label(node))}</div>
<div class="figures"><span class="now" title="here now">● ${figures.now}</span> <span class="gave-up" title="gave up here">✕ ${figures.gaveUp}</span> <span class="median" title="median time here">⏱ ${duration(figures.medianMs)}</span></div>
${targets.length > 0 ? `<div class="targets">→ ${targets.join(', ')}</div>` : ''}
</div>`;
}

/** Every question state in the flow's order, for the funnel. */
function questions(node: FlowNode): FlowNode[] {
  if (node.children.length > 0) return node.children.flatMap(questions);
  return node.kind === 'question' || node.kind === 'finished' ? [node] : [];
}

function funnel(chart: FlowNode, summary: FlowSummary): string {
  const rows = questions(chart).map((node) => {
    const figures = summary.states[node.path] ?? EMPTY;
    return `<tr data-state="${escape(node.path)}"><td>${node.number ?? ''}</td><td>${escape(node.key)}</td><td>${figures.reached}</td><td>${figures.now}</td><td>${figures.gaveUp}</td><td>${duration(figures.medianMs)}</td></tr>`;
  });
  return `<table class="funnel"><thead><tr><th>#</th><th>Routine</th><th>Reached</th><th>Here now</th><th>Gave up here</th><th>Median time</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1d2433}
h1{font-size:1.4rem;margin:0 0 .25rem}
.lead{color:#556;margin:0 0 1rem}
.states{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-start}
.group{border:2px solid #2255aa;border-radius:10px;padding:.5rem;margin:.5rem 0;flex-basis:100%}
.group h2{font-size:1rem;margin:0 0 .5rem;color:#2255aa}
.state{border:1px solid #99a;border-radius:8px;padding:.35rem .5rem;background:#eef4ff;min-width:11rem;max-width:15rem}
.state.effect{background:#fff3d6}.state.decision{background:#e8f7e8}.state.finished{background:#dff0ff}
.name{font-weight:600}.figures{font-variant-numeric:tabular-nums}
.now{color:#1a7f37}.gave-up{color:#b42318}.median{color:#445}
.targets{color:#667;font-size:12px}
table{border-collapse:collapse;margin-top:1rem}td,th{border:1px solid #ccd;padding:.2rem .5rem;text-align:right}
td:nth-child(2),th:nth-child(2){text-align:left}
`;

/** The flow page: the statechart with today's counts on each state, and the funnel per routine. */
export function renderFlowPage(chart: FlowNode, summary: FlowSummary): string {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Registration flow</title><style>${STYLE}</style></head>
<body>
<h1>Where parents are in the registration flow</h1>
<p class="lead">Last ${summary.days} days: <strong id="sessions">${summary.sessions}</strong> sessions, <strong id="finished">${summary.finished}</strong> finished.
● here now (a message in the last day) · ✕ gave up here (silent for more than a day, unfinished) · ⏱ median time spent here before moving on.
Counts only: no names, no answers.</p>
${stateBox(chart, summary)}
<h2>Funnel per routine</h2>
${funnel(chart, summary)}
</body>
</html>`;
}
