import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256, timingSafeEqual, verifyHexHmacSignature } from '../../src/tracking/webhook-signature.js';

const body = JSON.stringify({ id: 'evt_1', description: 'tracker.updated', result: { status: 'delivered' } });
// Computed with Node's own HMAC, so the Web Crypto implementation is checked against an independent one.
const sign = (secret: string, payload = body) => `hmac-sha256-hex=${createHmac('sha256', secret.normalize('NFKD')).update(payload).digest('hex')}`;

describe('verifyHexHmacSignature (EasyPost-style X-Hmac-Signature)', () => {
  it('accepts the body signed with the secret, as text or bytes, also mid-rotation', async () => {
    await expect(verifyHexHmacSignature({ rawBody: body, header: sign('s3cret'), secret: 's3cret' })).resolves.toBeUndefined();
    await expect(verifyHexHmacSignature({ rawBody: new TextEncoder().encode(body), header: sign('s3cret'), secret: 's3cret' })).resolves.toBeUndefined();
    await expect(verifyHexHmacSignature({ rawBody: body, header: sign('old'), secret: ['new', 'old'] })).resolves.toBeUndefined();
    await expect(verifyHexHmacSignature({ rawBody: body, header: sign('s3cret').toUpperCase().replace('HMAC-SHA256-HEX=', 'hmac-sha256-hex='), secret: 's3cret' })).resolves.toBeUndefined();
  });

  it('NFKD-normalizes the secret, so a composed and a decomposed secret agree', async () => {
    const composed = 'caf\u00e9';
    const decomposed = 'cafe\u0301';
    await expect(verifyHexHmacSignature({ rawBody: body, header: sign(decomposed), secret: composed })).resolves.toBeUndefined();
  });

  it('refuses forged, tampered, missing and malformed signatures with a reason', async () => {
    const reason = async (input: Parameters<typeof verifyHexHmacSignature>[0]) =>
      verifyHexHmacSignature(input).then(
        () => 'accepted',
        (e: { code: string; details: { reason: string } }) => `${e.code}:${e.details.reason}`,
      );
    expect(await reason({ rawBody: body, header: sign('attacker'), secret: 's3cret' })).toBe('WEBHOOK_SIGNATURE_INVALID:mismatch');
    expect(await reason({ rawBody: `${body} `, header: sign('s3cret'), secret: 's3cret' })).toBe('WEBHOOK_SIGNATURE_INVALID:mismatch');
    expect(await reason({ rawBody: body, header: undefined, secret: 's3cret' })).toBe('WEBHOOK_SIGNATURE_INVALID:missing');
    expect(await reason({ rawBody: body, header: '  ', secret: 's3cret' })).toBe('WEBHOOK_SIGNATURE_INVALID:missing');
    expect(await reason({ rawBody: body, header: 'sha1=abc', secret: 's3cret' })).toBe('WEBHOOK_SIGNATURE_INVALID:malformed');
    expect(await reason({ rawBody: body, header: 'hmac-sha256-hex=xyz', secret: 's3cret' })).toBe('WEBHOOK_SIGNATURE_INVALID:malformed');
    expect(await reason({ rawBody: body, header: 42 as never, secret: 's3cret' })).toBe('WEBHOOK_SIGNATURE_INVALID:malformed');
    await expect(verifyHexHmacSignature({ rawBody: body, header: sign('x'), secret: [] })).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
  });

  it('takes another prefix for schemes that name it differently', async () => {
    const header = sign('s3cret').replace('hmac-sha256-hex=', 'sha256=');
    await expect(verifyHexHmacSignature({ rawBody: body, header, secret: 's3cret', prefix: 'sha256=' })).resolves.toBeUndefined();
    await expect(verifyHexHmacSignature({ rawBody: body, header, secret: 's3cret' })).rejects.toMatchObject({ details: { reason: 'malformed' } });
  });
});

describe('HMAC building blocks', () => {
  it('hmacSha256 matches an independent implementation; timingSafeEqual compares bytes and text', async () => {
    const mac = await hmacSha256('key', 'message');
    expect(Buffer.from(mac).toString('hex')).toBe(createHmac('sha256', 'key').update('message').digest('hex'));
    expect(timingSafeEqual(mac, new Uint8Array(mac))).toBe(true);
    expect(timingSafeEqual(mac, mac.slice(1))).toBe(false);
    const flipped = new Uint8Array(mac);
    flipped[31] = (flipped[31] ?? 0) ^ 1;
    expect(timingSafeEqual(mac, flipped)).toBe(false);
    expect(timingSafeEqual('abc', 'abc')).toBe(true);
    expect(timingSafeEqual('abc', 'abd')).toBe(false);
  });
});
