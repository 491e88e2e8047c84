// The carrier kit must catch adapters that break the port's promises.
import { describe, expect, it } from 'vitest';
import { sandboxCarrier } from '../../src/carriers/sandbox/sandbox-carrier.js';
import { CarrierError } from '../../src/domain/errors.js';
import type { Label } from '../../src/domain/shipment.js';
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

const SANDBOX_FAULTS = {
  server_error: 'error',
  rate_limited: 'rate_limited',
  timeout: 'timeout',
  network_error: 'network',
  client_error: 'rejected',
  error_body: 'error_body',
  lost_reply: 'late',
} as const;
/** The options plus the fault hook, played by the sandbox backend behind `real`. */
const withFaults = (real: Sandbox): CarrierConformanceOptions<CarrierAdapter> => ({
  ...options(real),
  injectFault: (_, fault) => real.injectFault(SANDBOX_FAULTS[fault]),
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
      /a tracking event is invalid: status: Invalid option/,
    );
    await expect(runCarrierCheck('voidShipment: an unknown label is not voided', carrier, options(real))).rejects.toThrow();
  });

  it('a carrier that keeps its idempotency keys in memory fails the second-instance check', async () => {
    // Sends each purchase to the backend without a key and remembers labels in a Map of its own.
    const naive = (inner: Sandbox): CarrierAdapter => {
      const seen = new Map<string, Promise<Label>>();
      return {
        ...inner,
        createShipment(request) {
          const known = seen.get(request.idempotencyKey) ?? inner.createShipment({ ...request, idempotencyKey: `anon_${seen.size}_${Math.random()}` });
          seen.set(request.idempotencyKey, known);
          return known;
        },
      };
    };
    const real = build();
    const carrier = naive(real);
    const withOpen = { ...options(real), open: () => naive(real.open()) };
    // Same key, same instance: the Map hides the flaw...
    await runCarrierCheck('createShipment: same idempotency key returns the same label', carrier, withOpen);
    // ...which a second process on the same account exposes.
    await expect(
      runCarrierCheck('createShipment: a second instance on the same backend returns the same label for the same key', carrier, withOpen),
    ).rejects.toThrow(/idempotency lives with the backend/);
  });

  it('a carrier that reports every failure as final fails the retryable-faults check', async () => {
    const { carrier, real } = faulty((real) => ({
      createShipment: (request) =>
        real.createShipment(request).catch((error: Error) => {
          throw new CarrierError(error.message, { carrierId: real.id, retryable: false });
        }),
    }));
    await expect(runCarrierCheck('faults: 5xx, 429, timeouts and network errors are retryable', carrier, withFaults(real))).rejects.toThrow(
      /server_error is thrown with retryable: true/,
    );
    await runCarrierCheck('faults: 5xx, 429, timeouts and network errors are retryable', real, withFaults(real));
  });

  it('a carrier that returns a 200 error body as a label fails the error-body check', async () => {
    // Its backend answers { error } with status 200, and it maps whatever came back onto a label.
    let errorBody = false;
    const { carrier, real } = faulty((real) => ({
      async createShipment(request) {
        if (errorBody) {
          errorBody = false;
          const body = { error: { code: 'RATE_EXPIRED', message: 'Rate expired' } } as Record<string, unknown>;
          return { labelId: String(body.id ?? ''), trackingNumber: String(body.tracking_code ?? ''), trackingUrl: null, labelUrl: null, cost: request.rate.amount, purchasedAt: new Date().toISOString() };
        }
        return real.createShipment(request);
      },
    }));
    const hooks = { ...options(real), injectFault: (_: CarrierAdapter, fault: string) => void (errorBody = fault === 'error_body') };
    await expect(runCarrierCheck('faults: a 200 with an error body is never a label', carrier, hooks)).rejects.toThrow(
      /an error body answered with 200 was returned as a label/,
    );
    await runCarrierCheck('faults: a 200 with an error body is never a label', real, withFaults(real));
  });

  it('a carrier that buys its default service whatever the rate fails the quoted-service check', async () => {
    const { carrier, real } = faulty((real) => ({
      async createShipment(request) {
        const quote = await real.getRates({ ...usRequest, shipmentId: request.shipmentId });
        return real.createShipment({ ...request, rate: quote.rates[0] ?? request.rate });
      },
    }));
    await expect(runCarrierCheck('createShipment: buys the quoted service at the quoted price', carrier, options(real))).rejects.toThrow(
      /label costs what its rate quoted/,
    );
    await runCarrierCheck('createShipment: buys the quoted service at the quoted price', real, options(real));
  });

  it('a schema failure names the field that is wrong', async () => {
    const { carrier, real } = faulty((real) => ({
      createShipment: async (request) => ({ ...(await real.createShipment(request)), trackingNumber: '' }),
    }));
    await expect(runCarrierCheck('createShipment: buys a label for a quoted rate', carrier, options(real))).rejects.toThrow(
      /^the label is invalid: trackingNumber: /,
    );
  });

  it('refuses to run a check that does not apply, rather than passing it', async () => {
    const real = build();
    const noHooks = { sampleRequest: { ...usRequest, to: customer } };
    await expect(runCarrierCheck('parseWebhook: rejects a stale signature', real, noHooks)).rejects.toThrow(/does not apply/);
  });
});
