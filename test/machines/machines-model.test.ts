// Model-based tests: @xstate/graph walks each machine with sample events; every
// state and transition is then driven through the public apply functions.
import { getAdjacencyMap, getShortestPaths } from '@xstate/graph';
import { describe, expect, it } from 'vitest';
import { type AnyMachineSnapshot, type AnyStateMachine, type AnyStateNode, createActor, type EventObject } from 'xstate';
import type { Order } from '../../src/domain/order.js';
import { TRACKING_STATUSES } from '../../src/domain/status.js';
import { listStates, listTransitions } from '../../src/machines/machine-graph.js';
import {
  applyOrderEvent,
  initialOrderState,
  type OrderMachineEvent,
  type OrderMachineState,
  orderMachine,
} from '../../src/machines/order.js';
import { persistSnapshot, restoreSnapshot } from '../../src/machines/persisted-snapshot.js';
import { applyReturnEvent, type ReturnMachineEvent, returnMachine } from '../../src/machines/return.js';
import { applyShipmentEvent, type ShipmentMachineEvent, shipmentMachine } from '../../src/machines/shipment.js';

/** How a test drives one machine through the library's own API. */
interface Subject<R> {
  name: string;
  machine: AnyStateMachine;
  events: EventObject[];
  initial: () => R;
  apply: (state: R, event: EventObject) => { state: R; status: string; actions: string[] };
  /** The snapshot the machine itself would hold for `state`. */
  snapshotOf: (state: R) => AnyMachineSnapshot;
}

const flagged = { id: 'ord_flagged', metadata: { risk: 'high' } } as unknown as Order;
// A host fraud check, as a host would add it: risky orders wait for review.
const reviewedOrderMachine = orderMachine.provide({
  guards: {
    canProcess: ({ event }) => !(event.type === 'PAYMENT_AUTHORIZED' && event.order?.metadata.risk === 'high'),
  },
});

const summary = (active: number, shipped: number, delivered: number, backorderedUnits: number) => ({
  type: 'SHIPMENTS_UPDATED' as const,
  summary: { active, shipped, delivered, backorderedUnits },
});

const orderEvents: OrderMachineEvent[] = [
  { type: 'PAYMENT_AUTHORIZED', backordered: false },
  { type: 'PAYMENT_AUTHORIZED', backordered: true },
  { type: 'PAYMENT_AUTHORIZED', backordered: true, order: flagged },
  { type: 'PAYMENT_AUTHORIZED', backordered: false, order: flagged },
  { type: 'PAYMENT_REQUIRES_ACTION' },
  { type: 'PAYMENT_DECLINED', code: 'card_declined', message: 'Declined' },
  { type: 'RETRY_PAYMENT' },
  { type: 'STOCK_ALLOCATED', backordered: false },
  { type: 'STOCK_ALLOCATED', backordered: true },
  { type: 'STOCK_SHORT' },
  { type: 'STOCK_ARRIVED' },
  { type: 'RESERVATION_EXPIRED' },
  { type: 'HOLD', reason: 'customer asked' },
  { type: 'RELEASE_HOLD' },
  { type: 'CANCEL', reason: 'customer asked' },
  summary(2, 2, 2, 0),
  summary(2, 2, 1, 0),
  summary(2, 2, 0, 0),
  summary(2, 1, 0, 0),
  summary(1, 0, 0, 3),
  summary(1, 0, 0, 0),
  { type: 'RETURN_RECEIVED', fully: true },
  { type: 'RETURN_RECEIVED', fully: false },
];

const orderSubject: Subject<OrderMachineState> = {
  name: 'order',
  machine: reviewedOrderMachine,
  events: orderEvents,
  initial: () => initialOrderState(reviewedOrderMachine).state,
  apply: (state, event) => applyOrderEvent(state, event as OrderMachineEvent, reviewedOrderMachine),
  snapshotOf: (state) => restoreSnapshot(reviewedOrderMachine, state.snapshot),
};

const shipmentSubject: Subject<string> = {
  name: 'shipment',
  machine: shipmentMachine,
  events: [
    { type: 'START_PICKING' },
    { type: 'CONFIRM_PICK', short: false },
    { type: 'CONFIRM_PICK', short: true },
    { type: 'PACK' },
    { type: 'PURCHASE_LABEL' },
    { type: 'HAND_OVER' },
    { type: 'LABEL_VOIDED' },
    { type: 'CANCEL', reason: 'address invalid' },
    ...TRACKING_STATUSES.map((status) => ({ type: 'TRACKING' as const, status })),
  ] satisfies ShipmentMachineEvent[] as EventObject[],
  initial: () => 'pending',
  apply: (status, event) => {
    const r = applyShipmentEvent(status as never, event as ShipmentMachineEvent);
    return { state: r.status, status: r.status, actions: r.actions };
  },
  snapshotOf: (status) => restoreSnapshot(shipmentMachine, { value: status, context: {} }),
};

const returnSubject: Subject<string> = {
  name: 'return',
  machine: returnMachine,
  events: [
    { type: 'APPROVE' },
    { type: 'REJECT', reason: 'worn' },
    { type: 'RECEIVE' },
    { type: 'REFUND' },
    { type: 'CANCEL' },
  ] satisfies ReturnMachineEvent[] as EventObject[],
  initial: () => 'requested',
  apply: (status, event) => {
    const r = applyReturnEvent(status as never, event as ReturnMachineEvent);
    return { state: r.status, status: r.status, actions: r.actions };
  },
  snapshotOf: (status) => restoreSnapshot(returnMachine, { value: status, context: {} }),
};

const serializeState = (s: AnyMachineSnapshot) => JSON.stringify(persistSnapshot(s));

/** A path of events from the initial state that ends by taking one transition. */
interface CoverPath {
  events: EventObject[];
}

function coverPaths(subject: Subject<unknown>): CoverPath[] {
  const { machine, events } = subject;
  const shortest = new Map<string, EventObject[]>();
  for (const path of getShortestPaths(machine, { events, serializeState })) {
    shortest.set(serializeState(path.state), path.steps.map((s) => s.event).filter((e) => e.type !== 'xstate.init'));
  }
  const adjacency = getAdjacencyMap(machine, { events, serializeState });
  const paths: CoverPath[] = [];
  for (const [key, { state, transitions }] of Object.entries(adjacency)) {
    for (const { event } of Object.values(transitions) as Array<{ event: EventObject }>) {
      if (!state.can(event)) continue;
      paths.push({ events: [...(shortest.get(key) ?? []), event] });
    }
  }
  return paths;
}

function activeNodes(snapshot: AnyMachineSnapshot): AnyStateNode[] {
  return (snapshot as unknown as { _nodes: AnyStateNode[] })._nodes;
}

function run<R>(subject: Subject<R>, events: EventObject[]) {
  let state = subject.initial();
  const trace: Array<{ status: string; actions: string[] }> = [];
  for (const event of events) {
    const r = subject.apply(state, event);
    state = r.state;
    trace.push({ status: r.status, actions: r.actions });
  }
  return { state, trace };
}

describe.each([orderSubject, shipmentSubject, returnSubject] as Subject<unknown>[])('$name machine model', (subject) => {
  const paths = coverPaths(subject);

  it('reaches every state and takes every transition through the apply function', () => {
    const { machine } = subject;
    const allStates = listStates(machine).filter((s) => s.type !== 'history');
    const allTransitions = listTransitions(machine);
    const idOf = new Map(allTransitions.map((t) => [t.definition, t.id]));
    const seenStates = new Set<string>();
    const seenTransitions = new Set<string>();
    for (const path of paths) {
      let state = subject.initial();
      // A live actor fed the same events is the oracle for where each step lands.
      const live = createActor(machine).start();
      for (const node of activeNodes(subject.snapshotOf(state))) seenStates.add(node.id);
      for (const event of path.events) {
        for (const t of machine.getTransitionData(subject.snapshotOf(state), event)) {
          seenTransitions.add(idOf.get(t) ?? 'unknown');
        }
        const result = subject.apply(state, event);
        state = result.state;
        live.send(event);
        expect(result.status).toBe(statusOfValue(live.getSnapshot().value));
        for (const node of activeNodes(subject.snapshotOf(state))) seenStates.add(node.id);
      }
      live.stop();
    }
    const stateCount = allStates.filter((s) => seenStates.has(s.id)).length;
    const transitionCount = allTransitions.filter((t) => seenTransitions.has(t.id)).length;
    console.log(
      `${subject.name} machine: ${stateCount}/${allStates.length} states, ${transitionCount}/${allTransitions.length} transitions`,
    );
    expect(allStates.filter((s) => !seenStates.has(s.id)).map((s) => s.id)).toEqual([]);
    expect(allTransitions.filter((t) => !seenTransitions.has(t.id)).map((t) => t.id)).toEqual([]);
    expect(seenTransitions.has('unknown')).toBe(false);
  });

  it('continues from a JSON round-trip at every step with the same result', () => {
    for (const path of paths) {
      const expected = run(subject, path.events);
      for (let cut = 0; cut <= path.events.length; cut++) {
        const head = run(subject, path.events.slice(0, cut));
        let state = JSON.parse(JSON.stringify(head.state));
        const trace = [...head.trace];
        for (const event of path.events.slice(cut)) {
          const r = subject.apply(state, event);
          state = r.state;
          trace.push({ status: r.status, actions: r.actions });
        }
        expect(JSON.stringify(state)).toBe(JSON.stringify(expected.state));
        expect(trace).toEqual(expected.trace);
      }
    }
  });

  it('rejects every event a reachable state does not accept with INVALID_TRANSITION', () => {
    const adjacency = getAdjacencyMap(subject.machine, { events: subject.events, serializeState });
    let rejected = 0;
    for (const { state } of Object.values(adjacency)) {
      const stored = storedFrom(subject, state);
      for (const event of subject.events) {
        if (state.can(event)) continue;
        rejected++;
        let error: unknown;
        try {
          subject.apply(stored, event);
        } catch (err) {
          error = err;
        }
        expect(error).toMatchObject({ code: 'INVALID_TRANSITION', details: { event: event.type } });
      }
    }
    expect(rejected).toBeGreaterThan(0);
  });
});

// The status a state value stands for: its leaf, except that both kinds of hold are `on_hold`.
function statusOfValue(value: unknown): string {
  if (typeof value === 'string') return value;
  const [key, inner] = Object.entries(value as Record<string, unknown>)[0]!;
  return key === 'on_hold' ? key : statusOfValue(inner);
}

function storedFrom(subject: Subject<unknown>, snapshot: AnyMachineSnapshot): unknown {
  if (subject === (orderSubject as Subject<unknown>)) {
    return { version: initialOrderState().state.version, snapshot: persistSnapshot(snapshot) };
  }
  return snapshot.value;
}

describe('default order machine (remembered steps)', () => {
  const defaultSubject: Subject<OrderMachineState> = {
    ...orderSubject,
    name: 'default order',
    machine: orderMachine,
    initial: () => initialOrderState().state,
    apply: (state, event) => applyOrderEvent(state, event as OrderMachineEvent),
  };
  const unflagged = coverPaths(orderSubject as Subject<unknown>).filter(
    (p) => !p.events.some((e) => (e as { order?: unknown }).order),
  );

  it('matches the provided machine on every unflagged path, also after a JSON round-trip at each step', () => {
    expect(unflagged.length).toBeGreaterThan(20);
    for (const path of unflagged) {
      const expected = run(orderSubject, path.events);
      for (let cut = 0; cut <= path.events.length; cut++) {
        const head = run(defaultSubject, path.events.slice(0, cut));
        let state = JSON.parse(JSON.stringify(head.state)) as OrderMachineState;
        const trace = [...head.trace];
        for (const event of path.events.slice(cut)) {
          const r = defaultSubject.apply(state, event);
          state = r.state;
          trace.push({ status: r.status, actions: r.actions });
        }
        expect(JSON.stringify(state)).toBe(JSON.stringify(expected.state));
        expect(trace).toEqual(expected.trace);
      }
    }
  });
});
