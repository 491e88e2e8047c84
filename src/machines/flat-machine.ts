// Machines whose state value is their status (shipment, return): the status
// alone identifies the state, so restoring one is a cache lookup.
import type { AnyStateMachine } from 'xstate';
import { FulfillmentError } from '../domain/errors.js';
import { type StepMemo, stepMachine } from './machine-step.js';
import { restoreSnapshot } from './persisted-snapshot.js';

/**
 * Apply one event to a flat machine whose state value is its status. Shared by
 * the shipment and return machines. Throws `INVALID_TRANSITION`
 * (`details: { status, event }`) when the status does not accept the event.
 * With a `memo`, results are remembered per (status, event): pass one only for
 * a machine whose guards read nothing but the event.
 *
 * @example
 * ```ts
 * applyFlatEvent('return', returnMachine, 'requested', { type: 'APPROVE' });
 * ```
 */
export function applyFlatEvent<S extends string>(
  what: string,
  machine: AnyStateMachine,
  status: S,
  event: { type: string },
  memo?: StepMemo<{ status: S; actions: string[] }>,
): { status: S; actions: string[] } {
  const key = memo ? `${status} ${JSON.stringify(event)}` : '';
  const known = memo?.get(key);
  if (known) return { status: known.status, actions: [...known.actions] };
  const current = restoreSnapshot(machine, { value: status, context: {} }, `${status}`);
  const step = stepMachine(machine, current, event);
  if (!step) {
    throw new FulfillmentError('INVALID_TRANSITION', `A ${what} in status '${status}' does not accept ${event.type}`, {
      details: { status, event: event.type },
    });
  }
  const result = { status: step.next.value as S, actions: step.actions };
  memo?.set(key, { status: result.status, actions: [...result.actions] });
  return result;
}

