// Without @opentelemetry/api installed, fulfillkit/otel still loads and its
// hooks only run the work they wrap.
import type * as OtelApi from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it, vi } from 'vitest';
import { otelInstrumentation } from '../../src/otel.js';
import { makeShop, orderFor, stock } from '../helpers/shop.js';

vi.mock('@opentelemetry/api', () => {
  throw new Error("Cannot find package '@opentelemetry/api'");
});

describe('otelInstrumentation without @opentelemetry/api', () => {
  it('is a no-op that passes results and errors through', async () => {
    // Had the real API been loaded, these spans would be recorded.
    const real = await vi.importActual<typeof OtelApi>('@opentelemetry/api');
    const spans = new InMemorySpanExporter();
    real.trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
    const instrumentation = otelInstrumentation();
    await expect(instrumentation.command('orders.get', {}, async () => 42)).resolves.toBe(42);
    const failure = new Error('boom');
    await expect(
      instrumentation.adapterCall({ kind: 'carrier', adapterId: 'x', method: 'track', attempt: 1 }, async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    instrumentation.outboxDelivery?.({ topic: 'event', outcome: 'parked', attempts: 1, lagMs: 5 });

    const { ff } = makeShop({ instrumentation });
    await stock(ff, 'east', { 'TEE-M': 2 });
    const order = await ff.orders.place(orderFor({ 'TEE-M': 1 }));
    expect(order.status).toBe('processing');
    expect((await ff.outbox.dispatch()).delivered).toBe(1);
    expect(spans.getFinishedSpans()).toEqual([]);
    expect(real.trace.getTracer('probe').startSpan('probe').isRecording()).toBe(true);
  });
});
