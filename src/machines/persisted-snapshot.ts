// Compact JSON snapshots of a machine and their restoration, cached so that a
// command does not rebuild the same state from scratch every time.
import type { AnyMachineSnapshot, AnyStateMachine, StateValue } from 'xstate';
import { FulfillmentError } from '../domain/errors.js';
import { StepMemo } from './machine-step.js';

/**
 * A machine snapshot as stored: plain JSON, in the shape xstate's
 * `getPersistedSnapshot` produces, so `createActor(machine, { snapshot })`
 * accepts it too.
 */
export interface PersistedMachineSnapshot {
  /** `active`, or `done` in a final state. */
  status: 'active' | 'done';
  /** The state value, e.g. `{ unshipped: 'processing' }` or `'shipped'`. */
  value: StateValue;
  /** The machine's context (plain JSON). */
  context: Record<string, unknown>;
  /** History states' remembered children, by history node id. */
  historyValue: Record<string, Array<{ id: string }>>;
  /** Always empty: these machines spawn no children. */
  children: Record<string, never>;
}

/**
 * Turn a live snapshot into its compact JSON form.
 *
 * @example
 * ```ts
 * const json = JSON.stringify(persistSnapshot(snapshot));
 * ```
 */
export function persistSnapshot(snapshot: AnyMachineSnapshot): PersistedMachineSnapshot {
  const historyValue: Record<string, Array<{ id: string }>> = {};
  const history = snapshot.historyValue as Record<string, Array<{ id: string }>> | undefined;
  for (const key in history) {
    const nodes = history[key];
    if (nodes) historyValue[key] = nodes.map((node) => ({ id: node.id }));
  }
  return {
    status: snapshot.status === 'done' ? 'done' : 'active',
    value: snapshot.value as StateValue,
    context: { ...(snapshot.context as Record<string, unknown>) },
    historyValue,
    children: {},
  };
}

const restored = new WeakMap<AnyStateMachine, StepMemo<AnyMachineSnapshot>>();

function unreadable(machine: AnyStateMachine, cause?: unknown): FulfillmentError {
  return new FulfillmentError('INVALID_TRANSITION', `The stored ${machine.id} state is not readable by this machine`, {
    details: { machine: machine.id, reason: 'unreadable_snapshot' },
    cause,
  });
}

function isPersisted(value: unknown): value is PersistedMachineSnapshot {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<PersistedMachineSnapshot>;
  return (
    (typeof v.value === 'string' || (typeof v.value === 'object' && v.value !== null)) &&
    typeof v.context === 'object' &&
    v.context !== null
  );
}

/**
 * Rebuild a live snapshot from its JSON form without starting an actor.
 * Snapshots are immutable, so equal JSON shares one cached instance per machine.
 * Throws `INVALID_TRANSITION` (reason `unreadable_snapshot`) when the JSON does
 * not describe a state of `machine`. Pass `key` (the snapshot's
 * `JSON.stringify`) when you already have it.
 *
 * @example
 * ```ts
 * const snapshot = restoreSnapshot(orderMachine, JSON.parse(stored));
 * snapshot.can({ type: 'RELEASE_HOLD' });
 * ```
 */
export function restoreSnapshot(
  machine: AnyStateMachine,
  persisted: unknown,
  key: string = JSON.stringify(persisted),
): AnyMachineSnapshot {
  if (!isPersisted(persisted)) throw unreadable(machine);
  let cache = restored.get(machine);
  if (!cache) restored.set(machine, (cache = new StepMemo(512)));
  const hit = cache.get(key);
  if (hit) return hit;
  let snapshot: AnyMachineSnapshot;
  try {
    const historyValue: Record<string, ReturnType<AnyStateMachine['getStateNodeById']>[]> = {};
    for (const [id, nodes] of Object.entries(persisted.historyValue ?? {})) {
      historyValue[id] = nodes.map((node) => machine.getStateNodeById(node.id));
    }
    snapshot = machine.resolveState({
      value: persisted.value,
      context: { ...persisted.context },
      historyValue,
    });
  } catch (err) {
    throw unreadable(machine, err);
  }
  cache.set(key, snapshot);
  return snapshot;
}
