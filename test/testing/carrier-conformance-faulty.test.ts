// The carrier kit must catch adapters that break the port's promises.
import { describe, expect, it } from 'vitest';
import { sandboxCarrier } from '../../src/adapters/sandbox-carrier.js';
import type { CarrierAdapter, RateRequest } from '../../src/ports/carrier.js';
import { type CarrierConformanceOptions, runCarrierCheck } from '../../src/testing/carrier-conformance.js';
import { fakeClock } from '../../src/testing/fake-clock.js';
import { customer, parcel, usRequest } from '../adapters/carrier-fixtures.js';

const build = () => sandboxCarrier({ clock: fakeClock() });
type Sandbox = ReturnType<typeof build>;
const options = (real: Sandbox): CarrierConformanceOptions<CarrierAdapter> => ({
  sampleRequest: usRequest,
  unserviceableRequest: { ...usRequest, parcels: [parcel(45_000)] },
  signedWebhook: (_, label) => real.webhookFor(label.trackingNumber),
});

/** A sandbox with one member replaced by a broken one. */
function faulty(patch: (real: Sandbox) => Partial<CarrierAdapter>): { carrier: CarrierAdapter; real: Sandbox } {
  const real = build();
  return { carrier: { ...real, ...patch(real) } as CarrierAdapter, real };
}

describe('carrier kit catches faulty adapters', () => {
  it('the honest sandbox passes the checks used below', async () => {
    const real = build();
    for (const name of ['parseWebhook: rejects a forged signature', 'createShipment: same idempotency key returns the same label']) {
      await runCarrierCheck(name, real, options(real));
    }
  });

  it('a carrier that accepts a forged webhook fails', async () => {
    const { carrier, real } = faulty((real) => ({
      // Parses the body without checking the signature.
      parseWebhook: async (raw) => {
        const text = typeof raw === 'string' ? raw : new TextDecoder().decode(raw);
        const body = JSON.parse(text.trim()) as { tracking_number: string };
        return real.track(body.tracking_number);
      },
    }));
    await expect(runCarrierCheck('parseWebhook: rejects a forged signature', carrier, options(real))).rejects.toThrow(/forged webhook/);
    await expect(runCarrierCheck('parseWebhook: rejects a webhook without a signature', carrier, options(real))).rejects.toThrow(/unsigned/);
  });

  it('a carrier that buys a second label on retry fails', async () => {
    let n = 0;
    const { carrier, real } = faulty((real) => ({
      createShipment: (request) => real.createShipment({ ...request, idempotencyKey: `${request.idempotencyKey}:${++n}` }),
    }));
    await expect(runCarrierCheck('createShipment: same idempotency key returns the same label', carrier, options(real))).rejects.toThrow(
      /second label/,
    );
  });

  it('a carrier that answers silently empty fails', async () => {
    const { carrier, real } = faulty((real) => ({
      getRates: async (request: RateRequest) => ({ rates: (await real.getRates(request)).rates, messages: [] }),
    }));
    await expect(runCarrierCheck('getRates: an empty answer explains itself with messages', carrier, options(real))).rejects.toThrow(
      /never silently empty/,
    );
  });

  it('a carrier that invents statuses or voids unknown labels fails', async () => {
    const { carrier, real } = faulty((real) => ({
      track: async (tn) => (await real.track(tn)).map((e) => ({ ...e, status: 'LABEL_CREATED' as never })),
      voidShipment: async () => ({ status: 'voided' as const }),
    }));
    await expect(runCarrierCheck('track: events of a new label are normalized, its own and oldest first', carrier, options(real))).rejects.toThrow(
      /normalized/,
    );
    await expect(runCarrierCheck('voidShipment: an unknown label is not voided', carrier, options(real))).rejects.toThrow();
  });

  it('refuses to run a check that does not apply, rather than passing it', async () => {
    const real = build();
    const noHooks = { sampleRequest: { ...usRequest, to: customer } };
    await expect(runCarrierCheck('parseWebhook: rejects a stale signature', real, noHooks)).rejects.toThrow(/does not apply/);
  });
});
