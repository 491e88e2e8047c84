// One pure step of a machine: next snapshot plus the names of the effects the
// step asks for, computed without starting an actor and without running effects.
import {
  type ActorScope,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  createActor,
  type EventObject,
  type ExecutableActionObject,
} from 'xstate';

interface StepScope {
  scope: ActorScope<AnyMachineSnapshot, EventObject>;
  collected: string[];
}

// xstate's own `transition()` builds a throwaway actor on every call; one inert
// scope per machine does the same job at the cost of a live actor's send.
const scopes = new WeakMap<AnyStateMachine, StepScope>();

function scopeFor(machine: AnyStateMachine): StepScope {
  let entry = scopes.get(machine);
  if (entry) return entry;
  const self = createActor(machine);
  const collected: string[] = [];
  const scope: ActorScope<AnyMachineSnapshot, EventObject> = {
    self,
    id: '',
    sessionId: '',
    system: self.system,
    logger: () => {},
    defer: () => {},
    emit: () => {},
    stopChild: () => {},
    // Collect instead of execute: effects belong to the engine.
    actionExecutor: (action: ExecutableActionObject) => {
      if (!action.type.startsWith('xstate.')) collected.push(action.type);
    },
  };
  entry = { scope, collected };
  scopes.set(machine, entry);
  return entry;
}

/** The outcome of {@link stepMachine}. */
export interface MachineStep<S extends AnyMachineSnapshot = AnyMachineSnapshot> {
  /** The snapshot after the event. */
  next: S;
  /** Names of the (non-built-in) actions the step selected, in execution order. */
  actions: string[];
}

/**
 * Apply one event to a snapshot purely. Returns `null` when the machine does
 * not accept the event in that state (no enabled transition), matching
 * `snapshot.can(event)`.
 *
 * @example
 * ```ts
 * const step = stepMachine(shipmentMachine, snapshot, { type: 'PACK' });
 * if (step) console.log(step.next.value, step.actions);
 * ```
 */
export function stepMachine<S extends AnyMachineSnapshot>(
  machine: AnyStateMachine,
  snapshot: S,
  event: EventObject,
): MachineStep<S> | null {
  const { scope, collected } = scopeFor(machine);
  collected.length = 0;
  let next: S;
  let actions: string[];
  try {
    next = machine.transition(snapshot, event, scope) as S;
  } finally {
    // Leave the shared buffer empty even when a host guard throws.
    actions = collected.splice(0);
  }
  if (next.status === 'error') throw next.error;
  // An unchanged snapshot with nothing to run is either a rejected event or a
  // self-transition without actions; only `can` tells them apart.
  if (next === snapshot && actions.length === 0 && !snapshot.can(event)) return null;
  return { next, actions };
}

/**
 * A machine's initial snapshot, computed with the same cached scope as
 * {@link stepMachine} (xstate's `initialTransition` builds an actor per call).
 *
 * @example
 * ```ts
 * const start = initialMachineSnapshot(returnMachine); // value 'requested'
 * ```
 */
export function initialMachineSnapshot(machine: AnyStateMachine): MachineStep {
  const { scope, collected } = scopeFor(machine);
  collected.length = 0;
  let next: AnyMachineSnapshot;
  let actions: string[];
  try {
    next = machine.getInitialSnapshot(scope);
  } finally {
    actions = collected.splice(0);
  }
  if (next.status === 'error') throw next.error;
  return { next, actions };
}

/**
 * A size-capped memo: when full, the oldest entry goes. Used to remember
 * restored snapshots and the results of pure steps.
 *
 * @example
 * ```ts
 * const memo = new StepMemo<number>(2);
 * memo.set('a', 1);
 * memo.get('a'); // 1
 * ```
 */
export class StepMemo<V> {
  readonly #entries = new Map<string, V>();
  /** @param limit - Most entries kept. @defaultValue 1024 */
  constructor(readonly limit = 1024) {}
  /** The remembered value for `key`, if any. */
  get(key: string): V | undefined {
    return this.#entries.get(key);
  }
  /** Remember `value` under `key`, dropping the oldest entry when full. */
  set(key: string, value: V): void {
    if (this.#entries.size >= this.limit) this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(key, value);
  }
}
