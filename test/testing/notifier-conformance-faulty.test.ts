// The notifier kit must catch adapters that double-send or hide failures.
import { describe, expect, it } from 'vitest';
import { memoryNotifier } from '../../src/notifiers/memory/memory-notifier.js';
import type { Notification, NotificationAdapter } from '../../src/ports/notifier.js';
import { type NotifierConformanceOptions, runNotifierCheck } from '../../src/testing/notifier-conformance.js';

/** Records every call, ignoring idempotency keys. */
function chattyNotifier(): NotificationAdapter & { outbox: Notification[] } {
  const outbox: Notification[] = [];
  return {
    id: 'chatty',
    capabilities: { channels: ['email'] },
    outbox,
    async send(n) {
      outbox.push(n);
      return { messageId: `m${outbox.length}` };
    },
  };
}

describe('notifier kit catches faulty adapters', () => {
  it('the honest memory notifier passes the checks used below', async () => {
    const notifier = memoryNotifier();
    const options: NotifierConformanceOptions<typeof notifier> = {
      delivered: (n) => n.messages,
      unavailable: () => memoryNotifier({ failTimes: Number.POSITIVE_INFINITY }),
    };
    await runNotifierCheck('send: same idempotency key is delivered once', notifier, options);
    await runNotifierCheck('send: a provider outage throws instead of reporting success', notifier, options);
  });

  it('a notifier that sends twice under one key fails', async () => {
    const notifier = chattyNotifier();
    await expect(
      runNotifierCheck('send: same idempotency key is delivered once', notifier, { delivered: (n) => n.outbox }),
    ).rejects.toThrow(/twice/);
  });

  it('a notifier that swallows an outage fails', async () => {
    const swallowing: NotificationAdapter = {
      id: 'swallowing',
      capabilities: { channels: ['email'] },
      async send() {
        return { messageId: null }; // the provider was down, but nobody will know
      },
    };
    await expect(
      runNotifierCheck('send: a provider outage throws instead of reporting success', swallowing, { unavailable: () => swallowing }),
    ).rejects.toThrow(/must not be reported as sent/);
  });

  it('a notifier that drops the payload fails', async () => {
    const notifier = chattyNotifier();
    const lossy = { ...notifier, send: (n: Notification) => notifier.send({ ...n, data: {} }) };
    await expect(runNotifierCheck('send: delivers template, recipient, data and key', lossy, { delivered: () => notifier.outbox })).rejects.toThrow(
      /arrived whole/,
    );
  });
});
