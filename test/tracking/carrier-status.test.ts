import { describe, expect, it } from 'vitest';
import { TRACKING_STATUSES } from '../../src/domain/status.js';
import {
  EASYPOST_TRACKING_STATUSES,
  normalizeCarrierStatus,
  SHIPPO_TRACKING_STATUSES,
} from '../../src/tracking/carrier-status.js';

describe('normalizeCarrierStatus', () => {
  it('maps EasyPost statuses', () => {
    const cases: [string, string][] = [
      ['pre_transit', 'pending'],
      ['in_transit', 'in_transit'],
      ['out_for_delivery', 'out_for_delivery'],
      ['available_for_pickup', 'ready_for_pickup'],
      ['delivered', 'delivered'],
      ['return_to_sender', 'return_to_sender'],
      ['failure', 'delivery_failed'],
      ['cancelled', 'cancelled'],
      ['error', 'unknown'],
      ['unknown', 'unknown'],
    ];
    for (const [code, status] of cases) expect(normalizeCarrierStatus(code, EASYPOST_TRACKING_STATUSES), code).toBe(status);
  });

  it('maps Shippo statuses', () => {
    expect(['PRE_TRANSIT', 'TRANSIT', 'DELIVERED', 'RETURNED', 'FAILURE', 'UNKNOWN'].map((c) => normalizeCarrierStatus(c, SHIPPO_TRACKING_STATUSES))).toEqual([
      'pending',
      'in_transit',
      'delivered',
      'return_to_sender',
      'delivery_failed',
      'unknown',
    ]);
  });

  it('ignores case, spaces and hyphens; keeps normalized words; never guesses', () => {
    const map = { COLLECTED: 'picked_up', 'ON VAN': 'out_for_delivery' } as const;
    expect(normalizeCarrierStatus('collected', map)).toBe('picked_up');
    expect(normalizeCarrierStatus('On-Van', map)).toBe('out_for_delivery');
    expect(normalizeCarrierStatus('Delivered', map)).toBe('delivered');
    expect(normalizeCarrierStatus('LOST_IN_SPACE', map)).toBe('unknown');
  });

  it('only ever maps into the normalized vocabulary', () => {
    for (const status of [...Object.values(EASYPOST_TRACKING_STATUSES), ...Object.values(SHIPPO_TRACKING_STATUSES)]) {
      expect(TRACKING_STATUSES).toContain(status);
    }
  });
});
