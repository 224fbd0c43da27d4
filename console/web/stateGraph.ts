/** The state graph as SVG: dagre's positions, each state coloured by its status in one execution. */
import { s } from './dom.js';
import { layoutLevel, type LevelLayout } from './graphLayout.js';
import { graphOf } from './graphModel.js';

/** A state's status and the text under its name (iterations, retries). */
export interface NodeState {
  status: string;
  note?: string;
}

function drawLevel(
  layout: LevelLayout,
  states: Map<string, NodeState>,
  onPick: (state: string) => void,
): SVGElement {
  const group = s('g', {});
  for (const { edge, points, labelAt } of layout.edges) {
    const d = points.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    const path = s('path', { d, class: `edge ${edge.kind}`, 'marker-end': 'url(#arrow)' });
    if (edge.title) path.append(s('title', {}, edge.title));
    group.append(path);
    if (edge.label && labelAt)
      group.append(s('text', { x: labelAt.x, y: labelAt.y + 4, class: 'edge-label' }, edge.label));
  }
  for (const placed of layout.nodes) {
    const { node } = placed;
    const marker = node.type === 'Start' || node.type === 'End';
    const state = states.get(node.id);
    const status = marker ? 'marker' : (state?.status ?? 'notRun');
    const g = s('g', {
      class: `node ${status}${placed.inner.length ? ' container' : ''}`,
      transform: `translate(${placed.x.toFixed(1)},${placed.y.toFixed(1)})`,
      ...(marker ? {} : { 'data-state': node.id, 'data-status': status, 'data-type': node.type }),
    });
    g.append(
      s('rect', {
        width: placed.width,
        height: placed.height,
        rx: marker ? placed.height / 2 : 6,
      }),
      s(
        'text',
        {
          x: placed.width / 2,
          y: placed.inner.length ? 19 : placed.height / 2 + (state?.note ? 0 : 4),
          class: 'label',
        },
        node.label,
      ),
    );
    if (state?.note)
      g.append(
        s(
          'text',
          {
            x: placed.width / 2,
            y: placed.inner.length ? 19 : placed.height / 2 + 13,
            class: 'note',
          },
          placed.inner.length ? '' : state.note,
        ),
      );
    if (placed.inner.length && state?.note)
      g.append(s('text', { x: placed.width - 8, y: 19, class: 'note end' }, state.note));
    for (const inner of placed.inner) {
      const child = drawLevel(inner.layout, states, onPick);
      child.setAttribute('transform', `translate(${inner.x},${inner.y})`);
      g.append(child);
    }
    if (!marker)
      g.addEventListener('click', (e) => {
        e.stopPropagation();
        onPick(node.id);
      });
    group.append(g);
  }
  return group;
}

/** The whole graph of `definition` as an `<svg>`; clicking a state calls `onPick` with its name. */
export function stateGraph(
  definition: unknown,
  states: Map<string, NodeState>,
  onPick: (state: string) => void,
): SVGSVGElement {
  const layout = layoutLevel(graphOf(definition));
  const svg = s('svg', {
    class: 'state-graph',
    'data-testid': 'state-graph',
    viewBox: `0 0 ${Math.ceil(layout.width)} ${Math.ceil(layout.height)}`,
    width: Math.ceil(layout.width),
  }) as SVGSVGElement;
  svg.append(
    s(
      'defs',
      {},
      s(
        'marker',
        {
          id: 'arrow',
          viewBox: '0 0 10 10',
          refX: 9,
          refY: 5,
          markerWidth: 7,
          markerHeight: 7,
          orient: 'auto-start-reverse',
        },
        s('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow' }),
      ),
    ),
    drawLevel(layout, states, onPick),
  );
  return svg;
}
