// The order machine drawn for one order: every state as a nested list with
// the order's current state marked, plus the Mermaid source with a class on
// that state, for pasting into any Mermaid renderer (the console needs no
// network or script to show it).
import type { AnyStateNode } from 'xstate';
import type { Order } from '../../domain/order.js';
import { toMermaid } from '../../machines/diagram.js';
import { listStates } from '../../machines/machine-graph.js';
import { orderMachine } from '../../machines/order-machine.js';
import { type SafeHtml, html } from './html.js';

/** Paths of the active states in a persisted state value (`{ unshipped: 'processing' }` → `unshipped.processing`). */
export function activePaths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value === 'string') return [[...prefix, value]];
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => {
      const here = [...prefix, key];
      const below = activePaths(child, here);
      return below.length ? below : [here];
    });
  }
  return [];
}

function mermaidId(node: AnyStateNode, all: AnyStateNode[]): string {
  return all.filter((s) => s.key === node.key).length === 1 ? node.key : node.path.join('_');
}

/** The diagram card of an order page. */
export function orderDiagram(order: Order): SafeHtml {
  const snapshot = order.machine.snapshot as { value?: unknown } | null;
  const active = activePaths(snapshot?.value).map((p) => p.join('.'));
  const states = listStates(orderMachine);
  const isCurrent = (node: AnyStateNode) => active.includes(node.path.join('.'));
  const isActive = (node: AnyStateNode) => active.some((a) => a === node.path.join('.') || a.startsWith(`${node.path.join('.')}.`));
  const items = states.map(
    (node) =>
      html`<li class="${isCurrent(node) ? 'current' : isActive(node) ? 'active' : ''}" data-depth="${node.path.length}" ${isCurrent(node) ? html`aria-current="step"` : ''}>${'\u00a0\u00a0'.repeat(node.path.length - 1)}${node.key}${isCurrent(node) ? ' ◀ now' : ''}</li>`,
  );
  const marks = states.filter(isCurrent).map((node) => `  class ${mermaidId(node, states)} current`);
  const mermaid = [toMermaid(orderMachine), '  classDef current fill:#fde68a,stroke:#b45309,stroke-width:3px', ...marks].join('\n');
  return html`<section class="card" aria-label="Order state machine"><h2>State machine</h2>
    <ul class="states">${items}</ul>
    <details><summary>Mermaid source (current state marked)</summary><pre>${mermaid}</pre></details></section>`;
}
