// The machines name the effects a command runs: the engine maps each action to
// one executor, so what the diagram says is what the command does.
import { describe, expect, it } from 'vitest';
import { applyOrderEvent, initialOrderState } from '../../src/machines/order.js';
import { applyShipmentEvent } from '../../src/machines/shipment.js';

describe('effects declared by the shipment machine', () => {
  it('a short pick confirmation names the refund, the release and the write-off; a full one none of them', () => {
    expect(applyShipmentEvent('picking', { type: 'CONFIRM_PICK', short: true })).toEqual({
      status: 'picking',
      actions: ['refundShortfall', 'releaseShortfall', 'writeOffShortfall'],
    });
    expect(applyShipmentEvent('picking', { type: 'CONFIRM_PICK', short: false })).toEqual({ status: 'picking', actions: ['recordPick'] });
    expect(() => applyShipmentEvent('packed', { type: 'CONFIRM_PICK', short: true })).toThrow(expect.objectContaining({ code: 'INVALID_TRANSITION' }));
  });
});

describe('effects declared by the order machine', () => {
  it('a payment retry names the authorization, and only after a decline', () => {
    const declined = applyOrderEvent(initialOrderState().state, { type: 'PAYMENT_DECLINED', code: 'card_declined', message: 'Declined' });
    const retried = applyOrderEvent(declined.state, { type: 'RETRY_PAYMENT' });
    expect(retried).toMatchObject({ status: 'payment_failed', actions: ['requestAuthorization'] });
    expect(() => applyOrderEvent(initialOrderState().state, { type: 'RETRY_PAYMENT' })).toThrow(expect.objectContaining({ code: 'INVALID_TRANSITION' }));
  });

  it('arriving stock is reserved for an order waiting on it, and not for one on hold or unpaid', () => {
    const paid = applyOrderEvent(initialOrderState().state, { type: 'PAYMENT_AUTHORIZED', backordered: true });
    expect(applyOrderEvent(paid.state, { type: 'STOCK_ARRIVED' })).toMatchObject({ status: 'backordered', actions: ['reserveBackorder'] });
    const held = applyOrderEvent(paid.state, { type: 'HOLD', reason: 'check' });
    expect(() => applyOrderEvent(held.state, { type: 'STOCK_ARRIVED' })).toThrow(expect.objectContaining({ code: 'INVALID_TRANSITION' }));
    expect(() => applyOrderEvent(initialOrderState().state, { type: 'STOCK_ARRIVED' })).toThrow(expect.objectContaining({ code: 'INVALID_TRANSITION' }));
  });
});
