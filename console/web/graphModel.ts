/**
 * The state graph of an ASL definition, read from the definition itself: states as nodes,
 * Next / Choice rules / Default / Catch as edges, a Map's ItemProcessor (or a Parallel's
 * branches) as a nested graph inside its node. No DOM here: tests read it in Node.
 */

/** One node of a level: a state, or the level's start and end markers. */
export interface GraphNode {
  id: string;
  label: string;
  /** The ASL `Type`, or `Start` / `End` for the markers. */
  type: string;
  /** The graphs nested in a Map (one) or a Parallel (one per branch). */
  children?: GraphLevel[];
}

/** One transition. */
export interface GraphEdge {
  from: string;
  to: string;
  kind: 'next' | 'choice' | 'default' | 'catch';
  label?: string;
  /** The longer text behind a short label (a Catch's error names). */
  title?: string;
}

/** The states of one scope (the machine, a Map's processor, a Parallel branch). */
export interface GraphLevel {
  id: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

interface AslLike {
  StartAt?: string;
  States?: Record<string, StateLike>;
}
interface StateLike {
  Type?: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: { Next?: string; Comment?: string }[];
  Catch?: { Next?: string; ErrorEquals?: string[] }[];
  ItemProcessor?: AslLike;
  Iterator?: AslLike;
  Branches?: AslLike[];
}

const TERMINAL = new Set(['Succeed', 'Fail']);

/** The graph of `definition` (its top level, with nested levels inside Map and Parallel nodes). */
export function graphOf(definition: unknown, id = 'root'): GraphLevel {
  const asl = (definition ?? {}) as AslLike;
  const start = `${id}:start`;
  const end = `${id}:end`;
  const nodes: GraphNode[] = [{ id: start, label: 'Start', type: 'Start' }];
  const edges: GraphEdge[] = [];
  if (asl.StartAt) edges.push({ from: start, to: asl.StartAt, kind: 'next' });
  let ends = false;
  for (const [name, state] of Object.entries(asl.States ?? {})) {
    const node: GraphNode = { id: name, label: name, type: state.Type ?? 'Task' };
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor) node.children = [graphOf(processor, name)];
    else if (state.Branches)
      node.children = state.Branches.map((b, i) => graphOf(b, `${name}#${i + 1}`));
    nodes.push(node);
    if (state.Next) edges.push({ from: name, to: state.Next, kind: 'next' });
    (state.Choices ?? []).forEach((rule, i) => {
      if (rule.Next)
        edges.push({
          from: name,
          to: rule.Next,
          kind: 'choice',
          label: rule.Comment ?? `rule ${i + 1}`,
        });
    });
    if (state.Default)
      edges.push({ from: name, to: state.Default, kind: 'default', label: 'Default' });
    for (const c of state.Catch ?? []) {
      if (c.Next)
        edges.push({
          from: name,
          to: c.Next,
          kind: 'catch',
          label: 'Catch',
          title: (c.ErrorEquals ?? []).join(', '),
        });
    }
    if (state.End || TERMINAL.has(node.type)) {
      edges.push({ from: name, to: end, kind: 'next' });
      ends = true;
    }
  }
  if (ends) nodes.push({ id: end, label: 'End', type: 'End' });
  return { id, nodes, edges };
}
