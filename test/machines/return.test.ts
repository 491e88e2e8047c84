import { describe, expect, it } from 'vitest';
import { isFulfillmentError } from '../../src/domain/errors.js';
import type { ReturnStatus } from '../../src/domain/status.js';
import { applyReturnEvent, initialReturnStatus, type ReturnMachineEvent } from '../../src/machines/return.js';

function details(fn: () => unknown): Record<string, unknown> {
  try {
    fn();
  } catch (err) {
    if (isFulfillmentError(err, 'INVALID_TRANSITION')) return err.details;
    throw err;
  }
  throw new Error('expected INVALID_TRANSITION');
}

function drive(events: ReturnMachineEvent[]): { status: ReturnStatus; actions: string[] } {
  let result = { status: initialReturnStatus(), actions: [] as string[] };
  for (const event of events) result = applyReturnEvent(result.status, event);
  return result;
}

describe('return machine', () => {
  it('goes requested, approved, received, refunded', () => {
    expect(initialReturnStatus()).toBe('requested');
    expect(drive([{ type: 'APPROVE' }])).toEqual({ status: 'approved', actions: ['issueReturnLabel'] });
    expect(drive([{ type: 'APPROVE' }, { type: 'RECEIVE' }])).toEqual({ status: 'received', actions: ['restockReturn'] });
    expect(drive([{ type: 'APPROVE' }, { type: 'RECEIVE' }, { type: 'REFUND' }])).toEqual({
      status: 'refunded',
      actions: ['refundPayment'],
    });
  });

  it('can be rejected instead of approved', () => {
    expect(drive([{ type: 'REJECT', reason: 'worn' }])).toEqual({ status: 'rejected', actions: ['notifyReturnRejected'] });
    expect(details(() => drive([{ type: 'REJECT', reason: 'worn' }, { type: 'APPROVE' }]))).toEqual({
      status: 'rejected',
      event: 'APPROVE',
    });
  });

  it('is cancellable before the goods are received, not after', () => {
    expect(drive([{ type: 'CANCEL' }]).status).toBe('cancelled');
    expect(drive([{ type: 'APPROVE' }, { type: 'CANCEL' }])).toEqual({
      status: 'cancelled',
      actions: ['notifyReturnCancelled'],
    });
    expect(details(() => drive([{ type: 'APPROVE' }, { type: 'RECEIVE' }, { type: 'CANCEL' }]))).toEqual({
      status: 'received',
      event: 'CANCEL',
    });
  });

  it('rejects skipping approval or refunding before receipt', () => {
    expect(details(() => drive([{ type: 'RECEIVE' }]))).toEqual({ status: 'requested', event: 'RECEIVE' });
    expect(details(() => drive([{ type: 'APPROVE' }, { type: 'REFUND' }]))).toEqual({ status: 'approved', event: 'REFUND' });
    expect(details(() => drive([{ type: 'APPROVE' }, { type: 'RECEIVE' }, { type: 'REFUND' }, { type: 'REFUND' }]))).toEqual({
      status: 'refunded',
      event: 'REFUND',
    });
  });
});
