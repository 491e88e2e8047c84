// Mermaid diagrams and the state-machine reference page, generated from the
// machine definitions so the docs cannot drift from the code.
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { type MachineTransition, actionLabel, eventLabel, listStates, listTransitions } from './machine-graph.js';
import { ORDER_MACHINE_VERSION, orderMachine } from './order-machine.js';
import { returnMachine } from './return.js';
import { shipmentMachine } from './shipment.js';

// Mermaid ids must be unique in the diagram: a state's key when unique, its path otherwise.
function mermaidIds(machine: AnyStateMachine): Map<AnyStateNode, string> {
  const states = listStates(machine);
  const counts = new Map<string, number>();
  for (const s of states) counts.set(s.key, (counts.get(s.key) ?? 0) + 1);
  return new Map(states.map((s) => [s, counts.get(s.key) === 1 ? s.key : s.path.join('_')]));
}

function edgeLabel(t: MachineTransition): string {
  const text = t.guard ? `${eventLabel(t.event)} [${t.guard}]` : eventLabel(t.event);
  // ':' and ';' end a Mermaid label, '#' starts an entity.
  return text.replace(/[:;#]/g, ' ');
}

function ancestors(node: AnyStateNode): AnyStateNode[] {
  const chain: AnyStateNode[] = [];
  for (let n: AnyStateNode | undefined = node.parent; n; n = n.parent) chain.unshift(n);
  return chain;
}

// The innermost compound state drawn around both ends, where Mermaid needs the edge.
function edgeHome(from: AnyStateNode, to: AnyStateNode): AnyStateNode {
  const a = ancestors(from);
  const b = ancestors(to);
  let home = a[0]!;
  for (let i = 0; i < a.length && a[i] === b[i]; i++) home = a[i]!;
  return home;
}

/**
 * A Mermaid `stateDiagram-v2` of `machine`: compound and parallel states as
 * nested blocks, history states as `H`/`H*`, final states to `[*]`, and every
 * transition labelled with its event and guard (`EVENT [guard]`). A transition
 * without a target is drawn as a loop.
 *
 * @example
 * ```ts
 * const mermaid = toMermaid(orderMachine);
 * // stateDiagram-v2
 * //   [*] --> unshipped
 * //   state unshipped { ...
 * ```
 */
export function toMermaid(machine: AnyStateMachine): string {
  const ids = mermaidIds(machine);
  const edges = new Map<AnyStateNode, string[]>();
  for (const t of listTransitions(machine)) {
    if (t.source === machine.root) continue; // root-level events have no source box to draw
    for (const target of t.targets.length ? t.targets : [t.source]) {
      const home = edgeHome(t.source, target);
      const list = edges.get(home) ?? [];
      list.push(`${ids.get(t.source)} --> ${ids.get(target)} : ${edgeLabel(t)}`);
      edges.set(home, list);
    }
  }
  const lines = ['stateDiagram-v2'];
  const draw = (node: AnyStateNode, depth: number) => {
    const pad = '  '.repeat(depth);
    const children = Object.values(node.states) as AnyStateNode[];
    if (node.type === 'compound') {
      const initial = node.initial?.target?.[0] as AnyStateNode | undefined;
      if (initial) lines.push(`${pad}[*] --> ${ids.get(initial)}`);
    }
    children.forEach((child, i) => {
      const id = ids.get(child)!;
      if (node.type === 'parallel' && i > 0) lines.push(`${pad}--`);
      if (child.type === 'history') {
        lines.push(`${pad}state "${child.history === 'deep' ? 'H*' : 'H'}" as ${id}`);
      } else if (child.type === 'compound' || child.type === 'parallel') {
        lines.push(`${pad}state ${id} {`);
        draw(child, depth + 1);
        lines.push(`${pad}}`);
      } else {
        lines.push(id === child.key ? `${pad}${id}` : `${pad}state "${child.key}" as ${id}`);
      }
      if (child.type === 'final') lines.push(`${pad}${id} --> [*]`);
    });
    for (const edge of edges.get(node) ?? []) lines.push(pad + edge);
  };
  draw(machine.root, 1);
  return lines.join('\n');
}

function cell(text: string): string {
  return text === '' ? '–' : text.replace(/\|/g, '\\|');
}

function path(node: AnyStateNode): string {
  return node.path.join('.');
}

/**
 * A Markdown table of every transition of `machine` (state, event, guard,
 * target, actions), followed by the states' entry actions.
 *
 * @example
 * ```ts
 * console.log(transitionTable(returnMachine));
 * ```
 */
export function transitionTable(machine: AnyStateMachine): string {
  const rows = ['| State | Event | Guard | Target | Actions |', '| --- | --- | --- | --- | --- |'];
  for (const t of listTransitions(machine)) {
    const target = t.targets.length ? t.targets.map(path).join(', ') : '(stays)';
    const from = t.source === machine.root ? '(any)' : path(t.source);
    rows.push(
      `| ${cell(from)} | ${cell(eventLabel(t.event))} | ${cell(t.guard ?? '')} | ${cell(target)} | ${cell(t.actions.join(', '))} |`,
    );
  }
  const entries = listStates(machine)
    .filter((s) => s.entry.length > 0)
    .map((s) => `- \`${path(s)}\`: ${s.entry.map(actionLabel).join(', ')}`);
  if (entries.length) rows.push('', 'Entry actions:', '', ...entries);
  return rows.join('\n');
}

const sections: Array<{ title: string; name: string; machine: AnyStateMachine; about: string }> = [
  {
    title: 'Order',
    name: 'orderMachine',
    machine: orderMachine,
    about:
      `Persisted snapshots carry \`ORDER_MACHINE_VERSION\` (currently ${ORDER_MACHINE_VERSION}). ` +
      'Every state before shipping sits in `unshipped`, so `HOLD` and `CANCEL` apply to all of them; ' +
      'releasing a requested hold returns through the history state `H` to where the order was. ' +
      'A `review` hold comes from the host guard `canProcess` and continues to `processing` ' +
      '(or `backordered`) on release. After payment, `SHIPMENTS_UPDATED` derives the fulfillment ' +
      'status from the order’s shipments.',
  },
  {
    title: 'Shipment',
    name: 'shipmentMachine',
    machine: shipmentMachine,
    about:
      'Warehouse steps, hand-over and carrier tracking. `TRACKING` maps normalized carrier statuses; ' +
      'statuses that do not move a shipment are recorded (`recordTrackingScan`). Cancelling after a ' +
      'label was bought asks the engine to `voidLabel`.',
  },
  {
    title: 'Return',
    name: 'returnMachine',
    machine: returnMachine,
    about: 'A return (RMA) from request to refund. It can be cancelled until the goods are received.',
  },
];

/**
 * The full `docs/state-machines.md` page: a Mermaid diagram and a transition
 * table per machine. `npm run diagrams` writes it; a test fails when the
 * committed file differs.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('docs/state-machines.md', machineDiagrams());
 * ```
 */
export function machineDiagrams(): string {
  const parts = [
    '# State machines',
    '',
    '<!-- Generated from src/machines by `npm run diagrams`. Edit the machines, then regenerate. -->',
    '',
    'The order, shipment and return machines exported by `fulfillkit`, drawn from their definitions. ' +
      'Actions are named effects the engine runs; guards can be replaced with `.provide()` ' +
      '(see [the guide](guides/state-machines.md)).',
  ];
  for (const { title, name, machine, about } of sections) {
    const states = listStates(machine).filter((s) => s.type !== 'history').length;
    const transitions = listTransitions(machine).length;
    parts.push(
      '',
      `## ${title} (\`${name}\`)`,
      '',
      about,
      '',
      `${states} states, ${transitions} transitions.`,
      '',
      '```mermaid',
      toMermaid(machine),
      '```',
      '',
      transitionTable(machine),
    );
  }
  return parts.join('\n') + '\n';
}
