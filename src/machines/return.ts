// The return (RMA) machine: requested, approved or rejected, received back,
// refunded; cancellable until the goods arrive.
import { setup } from 'xstate';
import type { ReturnStatus } from '../domain/status.js';
import { applyFlatEvent } from './flat-machine.js';
import { initialMachineSnapshot, StepMemo } from './machine-step.js';

/** Every event the return machine understands. */
export type ReturnMachineEvent =
  | { type: 'APPROVE' }
  | { type: 'REJECT'; reason: string }
  /** The returned goods arrived at a location. */
  | { type: 'RECEIVE' }
  | { type: 'REFUND' }
  | { type: 'CANCEL' };

/**
 * The return state machine; state names are the return statuses. `rejected`,
 * `refunded` and `cancelled` are final. Effects are named actions for the
 * engine: `issueReturnLabel`, `notifyReturnRejected`, `restockReturn`,
 * `refundPayment`, `notifyReturnCancelled`.
 *
 * @example
 * ```ts
 * applyReturnEvent('received', { type: 'REFUND' });
 * // { status: 'refunded', actions: ['refundPayment'] }
 * ```
 */
export const returnMachine = setup({
  types: {} as { events: ReturnMachineEvent },
  actions: {
    issueReturnLabel: () => {},
    notifyReturnRejected: () => {},
    restockReturn: () => {},
    refundPayment: () => {},
    notifyReturnCancelled: () => {},
  },
  actors: {},
}).createMachine({
  id: 'return',
  initial: 'requested',
  states: {
    requested: {
      on: {
        APPROVE: { target: 'approved', actions: 'issueReturnLabel' },
        REJECT: { target: 'rejected', actions: 'notifyReturnRejected' },
        CANCEL: 'cancelled',
      },
    },
    approved: {
      on: {
        RECEIVE: { target: 'received', actions: 'restockReturn' },
        CANCEL: 'cancelled',
      },
    },
    received: { on: { REFUND: { target: 'refunded', actions: 'refundPayment' } } },
    rejected: { type: 'final' },
    refunded: { type: 'final' },
    cancelled: { type: 'final', entry: 'notifyReturnCancelled' },
  },
});

const returnMemo = new StepMemo<{ status: ReturnStatus; actions: string[] }>();

/** The type of {@link returnMachine}, and of any `.provide()`d variant of it. */
export type ReturnMachine = typeof returnMachine;

/**
 * Apply one event to a return status, purely. Throws `INVALID_TRANSITION`
 * (`details: { status, event }`) when the status does not accept the event.
 *
 * @param machine - A `.provide()`d variant, by default `returnMachine`.
 *
 * @example
 * ```ts
 * applyReturnEvent('requested', { type: 'APPROVE' });
 * // { status: 'approved', actions: ['issueReturnLabel'] }
 * ```
 */
export function applyReturnEvent(
  status: ReturnStatus,
  event: ReturnMachineEvent,
  machine: ReturnMachine = returnMachine,
): { status: ReturnStatus; actions: string[] } {
  // The default machine's guards read only the event, so its steps can be remembered.
  return applyFlatEvent('return', machine, status, event, machine === returnMachine ? returnMemo : undefined);
}

/**
 * The status a new return starts in: `requested`.
 *
 * @example
 * ```ts
 * initialReturnStatus(); // 'requested'
 * ```
 */
export function initialReturnStatus(machine: ReturnMachine = returnMachine): ReturnStatus {
  return initialMachineSnapshot(machine).next.value as ReturnStatus;
}
