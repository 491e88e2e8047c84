import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readHeader, signWebhook, verifyWebhook } from '../../src/tracking/webhook-signature.js';

const body = '{"id":"evt_1","status":"delivered"}';
const t = 1_735_689_600; // 2025-01-01T00:00:00Z

const reasonOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (e: { code: string; details: { reason: string } }) => `${e.code}:${e.details.reason}`,
  );

describe('signWebhook / verifyWebhook', () => {
  it('signs HMAC-SHA256 over "timestamp.body" in Stripe’s header format', async () => {
    const header = await signWebhook({ secret: 's3cret', payload: body, timestamp: t });
    const expected = createHmac('sha256', 's3cret').update(`${t}.${body}`).digest('hex');
    expect(header).toBe(`t=${t},v1=${expected}`);
    expect(await verifyWebhook({ secret: 's3cret', payload: body, header, now: t + 299 })).toEqual({ timestamp: t });
  });

  it('verifies raw bytes exactly as received', async () => {
    const bytes = new TextEncoder().encode(body);
    const header = await signWebhook({ secret: 's', payload: bytes, timestamp: new Date(t * 1000) });
    await expect(verifyWebhook({ secret: 's', payload: body, header, now: t })).resolves.toEqual({ timestamp: t });
    expect(await reasonOf(verifyWebhook({ secret: 's', payload: `${body}\n`, header, now: t }))).toBe('WEBHOOK_SIGNATURE_INVALID:mismatch');
  });

  it('names why a signature is refused', async () => {
    const header = await signWebhook({ secret: 's', payload: body, timestamp: t });
    const verify = (h: string | undefined, extra = {}) => reasonOf(verifyWebhook({ secret: 's', payload: body, header: h, now: t, ...extra }));
    expect(await verify(undefined)).toBe('WEBHOOK_SIGNATURE_INVALID:missing');
    expect(await verify('  ')).toBe('WEBHOOK_SIGNATURE_INVALID:missing');
    expect(await verify('sha256=abc')).toBe('WEBHOOK_SIGNATURE_INVALID:malformed');
    expect(await verify(`t=${t}`)).toBe('WEBHOOK_SIGNATURE_INVALID:malformed');
    expect(await verify(`t=${t},v1=zz`)).toBe('WEBHOOK_SIGNATURE_INVALID:malformed');
    expect(await verify(header.replace(/.$/, (c) => (c === '0' ? '1' : '0')))).toBe('WEBHOOK_SIGNATURE_INVALID:mismatch');
    expect(await verify(header, { secret: 'other' })).toBe('WEBHOOK_SIGNATURE_INVALID:mismatch');
    expect(await verify(header, { now: t + 301 })).toBe('WEBHOOK_SIGNATURE_INVALID:stale');
    expect(await verify(header, { now: t - 301 })).toBe('WEBHOOK_SIGNATURE_INVALID:stale');
    expect(await verify(header, { now: t + 10_000, tolerance: Number.POSITIVE_INFINITY })).toBe('accepted');
  });

  it('supports secret rotation on both sides', async () => {
    const both = await signWebhook({ secret: ['new', 'old'], payload: body, timestamp: t });
    expect(both.split(',v1=')).toHaveLength(3);
    await expect(verifyWebhook({ secret: 'old', payload: body, header: both, now: t })).resolves.toBeTruthy();
    const oldOnly = await signWebhook({ secret: 'old', payload: body, timestamp: t });
    await expect(verifyWebhook({ secrets: ['new', 'old'], payload: body, header: oldOnly, now: t })).resolves.toBeTruthy();
    // Unknown schemes are ignored, as long as one v1 matches.
    await expect(verifyWebhook({ secret: 'old', payload: body, header: `v0=abc,${oldOnly}`, now: t })).resolves.toBeTruthy();
  });

  it('needs a secret', async () => {
    await expect(verifyWebhook({ payload: body, header: 't=1,v1=00', now: t })).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
  });

  it('reads headers case-insensitively', () => {
    expect(readHeader({ 'Fulfillkit-Signature': 'x' }, 'fulfillkit-signature')).toBe('x');
    expect(readHeader({ a: ['1', '2'] }, 'A')).toBe('1,2');
    expect(readHeader({}, 'a')).toBeUndefined();
  });
});
