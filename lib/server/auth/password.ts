import 'server-only';
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { createWorkGate, type WorkGate } from './work-gate';

/**
 * scrypt runs on libuv's four threads and holds 32 MB each: more hashes at once only queue there
 * and grow memory. A burst of sign-ins beyond the small queue is told to try again shortly. One
 * gate per process (on globalThis: Next loads server modules in more than one module graph).
 */
const globalForGate = globalThis as unknown as { __loomScryptGate?: WorkGate };
const scryptGate = (globalForGate.__loomScryptGate ??= createWorkGate({
  concurrency: 4,
  maxWaiting: 16,
  busyMessage: 'The server is busy checking other passwords. Try again in a few seconds.',
}));

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  scryptGate.run(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))),
      ),
  );

/** scrypt at N=2^15, r=8: about 50-100 ms per hash here, slow enough to make guessing expensive. */
const PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const MAX_MEM = 64 * 1024 * 1024;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LENGTH, { ...PARAMS, maxmem: MAX_MEM });
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: MAX_MEM,
  });
  return timingSafeEqual(actual, expected);
}

/** A random password for accounts created or reset from the command line: 16 URL-safe characters. */
export function generatePassword(): string {
  return randomBytes(12).toString('base64url');
}

/** A hash to verify against when the account does not exist, so timing does not reveal which emails exist. */
let dummyHash: Promise<string> | undefined;
export function getDummyHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex')).catch((error: unknown) => {
    dummyHash = undefined; // a busy gate must not poison every later sign-in
    throw error;
  });
  return dummyHash;
}
