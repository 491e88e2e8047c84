// Every adapter call gets a signal that aborts when the engine's per-attempt
// timeout expires, so the adapter's own request stops with the attempt.
import { describe, expect, it } from 'vitest';
import { sandboxCarrier } from '../../src/carriers/sandbox/sandbox-carrier.js';
import { callAdapter } from '../../src/engine/adapter-call.js';
import type { CarrierAdapter } from '../../src/ports/carrier.js';
import { fakeClock } from '../../src/testing/fake-clock.js';
import { fulfil, makeShop, orderFor, stock } from '../helpers/shop.js';

const policy = { timeoutMs: 40, retries: 2, baseDelayMs: 1 };

// An adapter call that answers only when its signal aborts, as fetch does.
function hangingCall(seen: AbortSignal[]) {
  return ({ signal }: { signal: AbortSignal }) => {
    seen.push(signal);
    return new Promise<never>((_, reject) => {
      signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })), { once: true });
    });
  };
}

describe('adapter deadlines', () => {
  it('aborts each attempt’s signal when its timeout expires, with the timeout as the reason, and retries with a fresh signal', async () => {
    const seen: AbortSignal[] = [];
    const error = await callAdapter('carrier.getRates', policy, hangingCall(seen)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ADAPTER_ERROR', retryable: true, details: { timeoutMs: 40, operation: 'carrier.getRates' } });
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size, 'one signal per attempt').toBe(3);
    expect(seen.every((s) => s.aborted)).toBe(true);
    expect(seen[0]?.reason).toMatchObject({ code: 'ADAPTER_ERROR', retryable: true });
  });

  it('leaves the signal alone when the call answers in time', async () => {
    let signal: AbortSignal | undefined;
    const answer = await callAdapter('payment.capture', policy, async (options) => {
      signal = options.signal;
      return 'done';
    });
    expect(answer).toBe('done');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(signal?.aborted).toBe(false);
  });

  it('an adapter that first reads the signal after its attempt timed out gets one already aborted', async () => {
    let late: AbortSignal | undefined;
    const error = await callAdapter('carrier.track', { ...policy, retries: 0 }, (options) => {
      setTimeout(() => {
        late = options.signal;
      }, 60);
      return new Promise<never>(() => undefined);
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ADAPTER_ERROR', retryable: true });
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(late?.aborted).toBe(true);
    expect(late?.reason).toBe(error);
  });

  it('a retry after an aborted attempt can still succeed', async () => {
    const seen: AbortSignal[] = [];
    let calls = 0;
    const result = await callAdapter('carrier.createShipment', policy, (options) => {
      calls += 1;
      return calls === 1 ? hangingCall(seen)(options) : Promise.resolve('label');
    });
    expect(result).toBe('label');
    expect(seen[0]?.aborted).toBe(true);
  });
});

describe('adapter deadlines through the engine', () => {
  it('a carrier whose first rate request hangs sees it aborted at the timeout, and the retry ships', async () => {
    const signals: (AbortSignal | undefined)[] = [];
    const inner = sandboxCarrier({ clock: fakeClock('2026-03-02T09:00:00.000Z') });
    const carrier: CarrierAdapter = {
      ...inner,
      async getRates(request, options) {
        signals.push(options?.signal);
        if (signals.length === 1) return hangingCall([])({ signal: options?.signal as AbortSignal });
        return inner.getRates(request, options);
      },
    };
    const shop = makeShop({ carriers: [carrier], policy: { retry: { timeoutMs: 40, retries: 2, baseDelayMs: 1 } } });
    await stock(shop.ff, 'east', { MUG: 1 });
    const order = await shop.ff.orders.place(orderFor({ MUG: 1 }));
    const shipped = await fulfil(shop.ff, order.id);
    expect(shipped.status).toBe('shipped');
    expect(signals.length).toBeGreaterThanOrEqual(2);
    expect(signals.every((s) => s instanceof AbortSignal), 'every attempt got a signal through the port boundary').toBe(true);
    expect(signals[0]?.aborted, 'the hung attempt was aborted').toBe(true);
    expect(signals.at(-1)?.aborted, 'the answered attempt was not').toBe(false);
  });
});
