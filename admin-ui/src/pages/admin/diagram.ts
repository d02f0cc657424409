// Pure module (no React): imported with .js extensions by test/unit under NodeNext.
import { localize, type Locale } from '../../i18n/localize.js';

/**
 * A definition as boxes and arrows, independent of the drawing library: FlowDiagram.tsx hands these to React Flow.
 * Built from whatever the JSON text holds (it may be half-typed), so every read is defensive.
 */
export interface DiagramNode { id: string; title: string; lines: string[]; kind: string; column: number; row: number }
export interface DiagramEdge { id: string; from: string; to: string; label?: string; dashed?: boolean }
export interface Diagram { nodes: DiagramNode[]; edges: DiagramEdge[] }

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const text = (v: unknown, locale: Locale, fallback: string) => localize(isObj(v) ? v as Record<string, string> : str(v), locale, fallback);

/** The boxes the diagrams add around a definition's own steps, in the UI's language. */
const ends: Record<Locale, { submitted: string; approved: string; start: string }> = {
  en: { submitted: 'submitted', approved: 'approved', start: 'start' },
  zh: { submitted: '已提交', approved: '已批准', start: '开始' },
};

/** `{role: x}` -> "role x"; lists joined; the spec kinds of approval-chain.schema.json's ChainApproverSpec. */
export function approversText(spec: unknown): string {
  if (Array.isArray(spec)) return spec.map(approversText).join(' | ');
  if (!isObj(spec)) return '';
  if (spec.managerOf) return `manager of ${String(spec.managerOf)}${spec.levels ? ` (${String(spec.levels)} levels)` : ''}`;
  for (const key of ['user', 'role', 'group', 'field', 'expression']) if (spec[key] !== undefined) return `${key} ${JSON.stringify(spec[key]).replace(/^"|"$/g, '')}`;
  return '';
}

/** Submitted -> each step (its condition, approvers, mode) -> approved; a rejection ends the chain. */
export function chainDiagram(chain: unknown, locale: Locale): Diagram {
  const c = isObj(chain) ? chain : {};
  const steps = list(c.steps).filter(isObj);
  const nodes: DiagramNode[] = [{ id: '(start)', title: ends[locale].submitted, lines: c.entry ? [`entry: ${String(c.entry)}`] : [], kind: 'start', column: 0, row: 0 }];
  steps.forEach((step, i) => {
    const lines = [
      step.when ? `when ${String(step.when)}` : 'always',
      approversText(step.approvers),
      ...(step.mode ? [`mode: ${String(step.mode)}`] : []),
      ...(isObj(step.timeout) ? [`timeout ${String(step.timeout.after ?? '')} → ${String(step.timeout.action ?? '')}`] : []),
    ].filter(Boolean);
    nodes.push({ id: str(step.id) ?? `#${i}`, title: text(step.name, locale, str(step.id) ?? `#${i}`), lines, kind: 'approval', column: 0, row: i + 1 });
  });
  nodes.push({ id: '(approved)', title: ends[locale].approved, lines: [], kind: 'end', column: 0, row: steps.length + 1 });
  const edges = nodes.slice(1).map((node, i) => ({ id: `${nodes[i].id}->${node.id}`, from: nodes[i].id, to: node.id }));
  return { nodes, edges };
}

/** What one process step shows under its id. */
function stepLines(step: Obj): string[] {
  const lines: string[] = [];
  if (step.when) lines.push(`when ${String(step.when)}`);
  if (step.chain) lines.push(`chain ${String(step.chain)}`);
  if (step.candidates || step.assignee) lines.push(approversText(step.assignee ?? step.candidates));
  if (step.for) lines.push(`for ${String(step.for)}`);
  if (step.until && step.type === 'wait') lines.push(`until ${String(step.until)}`);
  if (step.name && step.type === 'event') lines.push(`event ${String(step.name)}`);
  if (step.process) lines.push(`process ${String(step.process)}`);
  if (step.outcome) lines.push(`outcome ${String(step.outcome)}`);
  if (Array.isArray(step.steps)) lines.push(`${step.steps.length} steps inside${step.until ? `, until ${String(step.until)}` : ''}${step.max ? `, max ${String(step.max)}` : ''}`);
  if (Array.isArray(step.branches) && step.type === 'parallel') lines.push(`${step.branches.length} branches, join ${String(step.join ?? 'all')}`);
  if (isObj(step.set)) lines.push(`set ${Object.keys(step.set).join(', ')}`);
  for (const b of list(step.boundary).filter(isObj)) lines.push(`boundary ${String(b.event ?? b.after ?? b.until ?? '')} → ${String(b.goto ?? '')}`);
  return lines;
}

/**
 * The top-level steps in list order; arrows for the fall-through, `next`, decision branches (`goto`, `otherwise`)
 * and boundaries (dashed). Nested blocks (loop, parallel) are one box that says what is inside.
 */
export function processDiagram(process: unknown, locale: Locale): Diagram {
  const p = isObj(process) ? process : {};
  const steps = list(p.steps).filter(isObj);
  const ids = steps.map((s, i) => str(s.id) ?? `#${i}`);
  const trigger = isObj(p.trigger) ? String(p.trigger.on ?? '') : '';
  const nodes: DiagramNode[] = [{ id: '(start)', title: text(p.label, locale, ends[locale].start), lines: trigger ? [`on ${trigger}`] : [], kind: 'start', column: 0, row: 0 }];
  const edges: DiagramEdge[] = [];
  const edge = (from: string, to: string, label?: string, dashed?: boolean) => {
    if (to && (ids.includes(to))) edges.push({ id: `${from}->${to}:${edges.length}`, from, to, label, dashed });
  };
  if (ids.length) edge('(start)', ids[0]);
  steps.forEach((step, i) => {
    const id = ids[i];
    const type = str(step.type) ?? '?';
    nodes.push({ id, title: `${text(step.label ?? step.title, locale, id)}`, lines: [type, ...stepLines(step)], kind: type, column: 0, row: i + 1 });
    if (type === 'decision') {
      for (const b of list(step.branches).filter(isObj)) edge(id, str(b.goto) ?? '', str(b.when));
      if (step.otherwise) edge(id, String(step.otherwise), 'otherwise');
    } else if (step.next) edge(id, String(step.next));
    else if (type !== 'end' && i + 1 < ids.length) edge(id, ids[i + 1]);
    for (const b of list(step.boundary).filter(isObj)) edge(id, str(b.goto) ?? '', String(b.event ?? b.after ?? b.until ?? ''), true);
  });
  // a target reached only by a jump sits beside the straight line, so its arrows do not run through other boxes
  const jumpOnly = new Set(edges.filter((e) => e.label !== undefined).map((e) => e.to));
  for (const e of edges) if (e.label === undefined) jumpOnly.delete(e.to);
  for (const node of nodes) if (jumpOnly.has(node.id)) node.column = 1;
  return { nodes, edges };
}

/** The stages left to right: probability, required fields, the approval a stage asks for, its `when` gate. */
export function pipelineDiagram(pipeline: unknown, locale: Locale): Diagram {
  const p = isObj(pipeline) ? pipeline : {};
  const stages = list(p.stages).filter(isObj);
  const nodes: DiagramNode[] = stages.map((s, i) => ({
    id: str(s.id) ?? `#${i}`,
    title: text(s.label, locale, str(s.id) ?? `#${i}`),
    lines: [
      `${String(s.probability ?? '?')}% · ${String(s.category ?? '')}`,
      ...(Array.isArray(s.requires) && s.requires.length ? [`requires ${s.requires.join(', ')}`] : []),
      ...(s.when ? [`when ${String(s.when)}`] : []),
      ...(s.approval ? [`approval ${String(s.approval)}`] : []),
    ],
    kind: String(s.category ?? 'open'), column: i, row: 0,
  }));
  const open = nodes.filter((n) => n.kind === 'open');
  const edges = open.slice(1).map((n, i) => ({ id: `${open[i].id}->${n.id}`, from: open[i].id, to: n.id }));
  const last = open.at(-1);
  if (last) for (const n of nodes.filter((x) => x.kind !== 'open')) edges.push({ id: `${last.id}->${n.id}`, from: last.id, to: n.id });
  return { nodes, edges };
}

export const diagramOf = { chain: chainDiagram, process: processDiagram, pipeline: pipelineDiagram } as const;
