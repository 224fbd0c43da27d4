/**
 * Positions for a state graph, computed by dagre (a layered layout: ranks top to bottom, fewer
 * crossings). dagre cannot route edges to a cluster, so each nested level is laid out on its own
 * first and its box becomes the size of its Map node in the level above.
 */
import dagre from '@dagrejs/dagre';
import type { GraphEdge, GraphLevel, GraphNode } from './graphModel.js';

/** A placed node (x, y: its top-left corner, relative to its level). */
export interface PlacedNode {
  node: GraphNode;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Nested levels, placed inside this node's box. */
  inner: { layout: LevelLayout; x: number; y: number }[];
}

/** A placed level. */
export interface LevelLayout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: {
    edge: GraphEdge;
    points: { x: number; y: number }[];
    labelAt?: { x: number; y: number };
  }[];
}

/** Space above a nested level inside its node, for the node's own label. */
export const HEADER = 30;
const PAD = 14;

function leafSize(node: GraphNode): { width: number; height: number } {
  if (node.type === 'Start' || node.type === 'End') return { width: 56, height: 26 };
  return { width: Math.max(130, node.label.length * 7.4 + 34), height: 38 };
}

/** Lay out `level` and, first, every level nested in it. */
export function layoutLevel(level: GraphLevel): LevelLayout {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 36, ranksep: 46, edgesep: 14, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  const inner = new Map<string, LevelLayout[]>();
  for (const node of level.nodes) {
    let size = leafSize(node);
    if (node.children?.length) {
      const layouts = node.children.map(layoutLevel);
      inner.set(node.id, layouts);
      size = {
        width: Math.max(
          size.width,
          layouts.reduce((w, l) => w + l.width + PAD, PAD),
        ),
        height: HEADER + Math.max(...layouts.map((l) => l.height)) + PAD,
      };
    }
    g.setNode(node.id, { ...size });
  }
  level.edges.forEach((edge, i) => {
    if (!g.hasNode(edge.from) || !g.hasNode(edge.to)) return;
    g.setEdge(
      edge.from,
      edge.to,
      edge.label ? { label: edge.label, width: edge.label.length * 6 + 8, height: 14 } : {},
      `e${i}`,
    );
  });
  dagre.layout(g);
  const nodes = level.nodes.map((node): PlacedNode => {
    const p = g.node(node.id) as { x: number; y: number; width: number; height: number };
    let offset = PAD;
    return {
      node,
      x: p.x - p.width / 2,
      y: p.y - p.height / 2,
      width: p.width,
      height: p.height,
      inner: (inner.get(node.id) ?? []).map((layout) => {
        const placed = { layout, x: offset, y: HEADER };
        offset += layout.width + PAD;
        return placed;
      }),
    };
  });
  const edges = level.edges.flatMap((edge, i) => {
    const e = g.edge(edge.from, edge.to, `e${i}`) as
      { points: { x: number; y: number }[]; x?: number; y?: number } | undefined;
    if (!e) return [];
    return [
      {
        edge,
        points: e.points,
        ...(e.x !== undefined && e.y !== undefined ? { labelAt: { x: e.x, y: e.y } } : {}),
      },
    ];
  });
  const graph = g.graph() as { width?: number; height?: number };
  return { width: graph.width ?? 0, height: graph.height ?? 0, nodes, edges };
}
