import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { and, createMachine, not } from 'xstate';
import { machineDiagrams, toMermaid } from '../../src/machines/diagram.js';
import { guardLabel, listTransitions } from '../../src/machines/machine-graph.js';
import { orderMachine } from '../../src/machines/order.js';

describe('state machine diagrams', () => {
  it('docs/state-machines.md is current', () => {
    const committed = readFileSync(new URL('../../docs/state-machines.md', import.meta.url), 'utf8');
    // On failure: run `npm run diagrams` and commit docs/state-machines.md.
    expect(committed === machineDiagrams(), 'docs/state-machines.md is stale: run `npm run diagrams`').toBe(true);
  });

  it('draws every order transition with its event and guard', () => {
    const mermaid = toMermaid(orderMachine);
    expect(mermaid.startsWith('stateDiagram-v2\n')).toBe(true);
    expect(mermaid).toContain('state unshipped {');
    expect(mermaid).toContain('state "H" as hist');
    expect(mermaid).toContain('requested --> hist : RELEASE_HOLD');
    expect(mermaid).toContain('pending_payment --> review : PAYMENT_AUTHORIZED [!canProcess]');
    expect(mermaid).toContain('cancelled --> [*]');
    const edges = mermaid.split('\n').filter((line) => line.includes(' --> ') && !line.includes('[*]'));
    expect(edges).toHaveLength(listTransitions(orderMachine).length);
  });

  it('draws parallel regions, deep history, eventless and delayed transitions, and repeated names', () => {
    const machine = createMachine({
      id: 'demo',
      initial: 'a',
      states: {
        a: {
          type: 'parallel',
          states: {
            left: { initial: 'idle', states: { idle: { on: { GO: 'busy' } }, busy: { after: { 500: 'idle' } } } },
            right: { initial: 'idle', states: { idle: { always: { target: '#demo.done', guard: 'ready' } }, h: { type: 'history', history: 'deep' } } },
          },
        },
        done: { type: 'final' },
      },
    });
    const mermaid = toMermaid(machine);
    expect(mermaid).toContain('state a {');
    expect(mermaid).toMatch(/\n\s+--\n/);
    expect(mermaid).toContain('state "H*" as h');
    expect(mermaid).toContain('busy --> a_left_idle : after 500ms');
    expect(mermaid).toContain('state "idle" as a_left_idle');
    expect(mermaid).toContain('a_right_idle --> done : always [ready]');
  });

  it('labels guard combinators', () => {
    expect(guardLabel(not('canProcess'))).toBe('!canProcess');
    expect(guardLabel(and(['a', not('b')]))).toBe('a && !b');
    expect(guardLabel({ type: 'withParams', params: { n: 1 } })).toBe('withParams');
  });
});
