import { describe, expect, it } from 'vitest';
import { isFulfillmentError } from '../../src/domain/errors.js';
import { type ShipmentStatus, TRACKING_STATUSES, type TrackingStatus } from '../../src/domain/status.js';
import {
  applyShipmentEvent,
  initialShipmentStatus,
  type ShipmentMachineEvent,
  shipmentMachine,
} from '../../src/machines/shipment.js';

function details(fn: () => unknown): Record<string, unknown> {
  try {
    fn();
  } catch (err) {
    if (isFulfillmentError(err, 'INVALID_TRANSITION')) return err.details;
    throw err;
  }
  throw new Error('expected INVALID_TRANSITION');
}

const track = (status: TrackingStatus): ShipmentMachineEvent => ({ type: 'TRACKING', status });

describe('shipment machine', () => {
  it('walks pending to delivered, naming the effects on the way', () => {
    const steps: Array<[ShipmentMachineEvent, ShipmentStatus, string[]]> = [
      [{ type: 'START_PICKING' }, 'picking', []],
      [{ type: 'PACK' }, 'packed', []],
      [{ type: 'PURCHASE_LABEL' }, 'label_purchased', ['purchaseLabel']],
      [{ type: 'HAND_OVER' }, 'shipped', ['handOver', 'notifyShipped']],
      [track('picked_up'), 'in_transit', []],
      [track('out_for_delivery'), 'out_for_delivery', ['notifyOutForDelivery']],
      [track('delivered'), 'delivered', ['notifyDelivered']],
    ];
    let status = initialShipmentStatus();
    expect(status).toBe('pending');
    for (const [event, next, actions] of steps) {
      const r = applyShipmentEvent(status, event);
      expect(r).toEqual({ status: next, actions });
      status = r.status;
    }
  });

  const moving: Partial<Record<TrackingStatus, ShipmentStatus>> = {
    picked_up: 'in_transit',
    in_transit: 'in_transit',
    out_for_delivery: 'out_for_delivery',
    delivered: 'delivered',
    delivery_failed: 'delivery_failed',
    return_to_sender: 'returned_to_sender',
  };

  it.each(['shipped', 'in_transit', 'out_for_delivery', 'delivery_failed'] as ShipmentStatus[])(
    'maps every tracking status from %s',
    (from) => {
      for (const tracking of TRACKING_STATUSES) {
        const r = applyShipmentEvent(from, track(tracking));
        expect([tracking, r.status]).toEqual([tracking, moving[tracking] ?? from]);
        if (!moving[tracking]) expect(r.actions).toEqual(['recordTrackingScan']);
      }
    },
  );

  it('recovers a failed delivery or sends it back to the sender', () => {
    expect(applyShipmentEvent('delivery_failed', track('out_for_delivery')).status).toBe('out_for_delivery');
    expect(applyShipmentEvent('delivery_failed', track('return_to_sender'))).toEqual({
      status: 'returned_to_sender',
      actions: ['notifyReturnedToSender'],
    });
  });

  it('a carrier scan before hand-over asks the engine to complete the hand-over and moves nothing itself', () => {
    for (const scan of ['in_transit', 'delivered', 'pending'] as TrackingStatus[]) {
      expect(applyShipmentEvent('label_purchased', track(scan))).toEqual({ status: 'label_purchased', actions: ['completeHandOver'] });
    }
    // Only the hand-over (capture, stock commit) ships it: never delivered-but-unpaid.
    expect(applyShipmentEvent('label_purchased', { type: 'HAND_OVER' }).status).toBe('shipped');
  });

  it('a voided label without a cancellation goes back to packed', () => {
    expect(applyShipmentEvent('label_purchased', { type: 'LABEL_VOIDED' })).toEqual({ status: 'packed', actions: [] });
  });

  it('cancels before shipping; a bought label must be voided', () => {
    for (const from of ['pending', 'picking', 'packed'] as ShipmentStatus[]) {
      expect(applyShipmentEvent(from, { type: 'CANCEL', reason: 'x' })).toEqual({
        status: 'cancelled',
        actions: ['releaseAllocation'],
      });
    }
    expect(applyShipmentEvent('label_purchased', { type: 'CANCEL', reason: 'x' })).toEqual({
      status: 'cancelled',
      actions: ['voidLabel', 'releaseAllocation'],
    });
    expect(details(() => applyShipmentEvent('shipped', { type: 'CANCEL', reason: 'x' }))).toEqual({
      status: 'shipped',
      event: 'CANCEL',
    });
  });

  it('treats delivered, returned_to_sender and cancelled as final', () => {
    for (const status of ['delivered', 'returned_to_sender', 'cancelled'] as ShipmentStatus[]) {
      expect(shipmentMachine.resolveState({ value: status }).status).toBe('done');
      expect(details(() => applyShipmentEvent(status, track('delivered')))).toEqual({ status, event: 'TRACKING' });
    }
  });

  it('rejects steps out of order', () => {
    expect(details(() => applyShipmentEvent('pending', { type: 'PACK' }))).toEqual({ status: 'pending', event: 'PACK' });
    expect(details(() => applyShipmentEvent('packed', { type: 'HAND_OVER' }))).toEqual({
      status: 'packed',
      event: 'HAND_OVER',
    });
    expect(details(() => applyShipmentEvent('picking', track('delivered')))).toEqual({
      status: 'picking',
      event: 'TRACKING',
    });
  });

  it('rejects an unknown status', () => {
    expect(details(() => applyShipmentEvent('lost' as ShipmentStatus, { type: 'PACK' }))).toMatchObject({
      reason: 'unreadable_snapshot',
    });
  });

  it('uses guards a host provides', () => {
    // A host that treats "ready for pickup" at a locker as delivered.
    const lockers = shipmentMachine.provide({
      guards: { scanDelivered: ({ event }) => event.type === 'TRACKING' && ['delivered', 'ready_for_pickup'].includes(event.status) },
    });
    expect(applyShipmentEvent('in_transit', track('ready_for_pickup'), lockers).status).toBe('delivered');
    expect(applyShipmentEvent('in_transit', track('ready_for_pickup')).status).toBe('in_transit');
  });

  it('returns independent action arrays for repeated steps', () => {
    const first = applyShipmentEvent('label_purchased', { type: 'CANCEL', reason: 'x' });
    first.actions.length = 0;
    expect(applyShipmentEvent('label_purchased', { type: 'CANCEL', reason: 'x' }).actions).toEqual([
      'voidLabel',
      'releaseAllocation',
    ]);
  });
});
