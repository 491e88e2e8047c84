import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  hmacSha256,
  hmacSha256With,
  resolveSyncHmacSha256,
  type SyncHmacSha256,
  signWebhook,
  verifyWebhook,
} from '../../src/tracking/webhook-signature.js';

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const utf8 = (text: string) => new TextEncoder().encode(text);

// RFC 4231 test cases 1, 2, 3, 6 (a key longer than the block) and 7.
const VECTORS: Array<{ key: Uint8Array; data: Uint8Array; mac: string }> = [
  { key: new Uint8Array(20).fill(0x0b), data: utf8('Hi There'), mac: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7' },
  { key: utf8('Jefe'), data: utf8('what do ya want for nothing?'), mac: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843' },
  { key: new Uint8Array(20).fill(0xaa), data: new Uint8Array(50).fill(0xdd), mac: '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe' },
  {
    key: new Uint8Array(131).fill(0xaa),
    data: utf8('Test Using Larger Than Block-Size Key - Hash Key First'),
    mac: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
  },
  {
    key: new Uint8Array(131).fill(0xaa),
    data: utf8('This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.'),
    mac: '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
  },
];

afterEach(() => vi.restoreAllMocks());

describe('HMAC-SHA256: the runtime’s synchronous MAC and the Web Crypto fallback', () => {
  const sync = resolveSyncHmacSha256(globalThis.process);

  it('finds Node’s synchronous HMAC through process.getBuiltinModule', () => {
    expect(typeof (process as { getBuiltinModule?: unknown }).getBuiltinModule).toBe('function');
    expect(sync).not.toBeNull();
  });

  it('gives the RFC 4231 MACs on both paths, and the public function agrees', async () => {
    for (const { key, data, mac } of VECTORS) {
      expect(hex(await hmacSha256With(sync, key, data))).toBe(mac);
      expect(hex(await hmacSha256With(null, key, data))).toBe(mac);
      expect(hex(await hmacSha256(key, data))).toBe(mac);
    }
  });

  it('agrees with Web Crypto on text, bytes, non-ASCII secrets and empty bodies', async () => {
    const cases: Array<[string | Uint8Array, string | Uint8Array]> = [
      ['whsec_test', '{"id":"evt_1"}'],
      ['clé-ünïcødé-🔑', '1735689600.{"note":"déjà vu"}'],
      [utf8('bytes-key'), new Uint8Array([0, 1, 2, 255])],
      ['s', ''],
      ['s', 'x'.repeat(100_000)],
    ];
    for (const [secret, data] of cases) {
      expect(hex(await hmacSha256With(sync, secret, data))).toBe(hex(await hmacSha256With(null, secret, data)));
    }
  });

  it('does not touch Web Crypto when the synchronous MAC is there', async () => {
    const sign = vi.spyOn(globalThis.crypto.subtle, 'sign');
    await hmacSha256With(sync, 'k', 'data');
    const header = await signWebhook({ secret: 'k', payload: 'body', timestamp: 1_735_689_600 });
    await verifyWebhook({ secret: 'k', payload: 'body', header, now: 1_735_689_600 });
    expect(sign).not.toHaveBeenCalled();
  });

  it('falls back to Web Crypto when the runtime has no synchronous MAC', async () => {
    const noModule = { getBuiltinModule: () => undefined };
    const throwing = {
      getBuiltinModule: () => {
        throw new Error('no such module');
      },
    };
    const wrong = { getBuiltinModule: () => ({ createHmac: () => ({ update: () => ({ digest: () => new Uint8Array(32) }) }) }) };
    for (const host of [undefined, null, {}, { getBuiltinModule: 'nope' }, noModule, throwing, wrong]) {
      expect(resolveSyncHmacSha256(host)).toBeNull();
    }
    const sign = vi.spyOn(globalThis.crypto.subtle, 'sign');
    const { key, data, mac } = VECTORS[1] as (typeof VECTORS)[number];
    expect(hex(await hmacSha256With(resolveSyncHmacSha256(undefined), key, data))).toBe(mac);
    expect(sign).toHaveBeenCalledTimes(1);
  });

  it('uses a synchronous MAC that the runtime hands out, and only for HMAC-SHA256', async () => {
    const calls: string[] = [];
    const real = resolveSyncHmacSha256(globalThis.process) as SyncHmacSha256;
    const { createHmac } = (process as unknown as { getBuiltinModule(id: string): typeof import('node:crypto') }).getBuiltinModule('node:crypto');
    const host = {
      getBuiltinModule(id: string) {
        calls.push(id);
        return {
          createHmac: (algorithm: string, key: Uint8Array) => {
            calls.push(algorithm);
            return createHmac(algorithm, key);
          },
        };
      },
    };
    const found = resolveSyncHmacSha256(host);
    expect(found).not.toBeNull();
    expect(calls).toEqual(['node:crypto', 'sha256']);
    expect(hex((found as SyncHmacSha256)(utf8('k'), utf8('m')))).toBe(hex(real(utf8('k'), utf8('m'))));
  });

  it('refuses an empty secret as a configuration error on both paths', async () => {
    for (const path of [sync, null]) {
      await expect(hmacSha256With(path, '', 'data')).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
      await expect(hmacSha256With(path, new Uint8Array(0), 'data')).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
    }
    await expect(signWebhook({ secret: '', payload: 'x' })).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
  });
});
