import 'server-only';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { LoomError } from '@/lib/loom/core';

// Secrets at rest (provider API keys) are sealed with AES-256-GCM.
//
// Keys:  LOOM_ENCRYPTION_KEY           = "[v<n>:]<base64 of 32 bytes>"   (version 1 when no prefix)
//        LOOM_ENCRYPTION_KEY_PREVIOUS  = "v<n>:<base64>,v<m>:<base64>"  (older keys, decryption only)
// Sealed: "v<n>.<iv>.<tag>.<ciphertext>", each part base64url; <n> is the key version that sealed it,
//         the IV is 12 random bytes, the tag 16 bytes. The caller's `context` (e.g. workspace and
//         provider name) is bound as additional authenticated data, so a sealed value copied to
//         another row does not open.
// Rotation: make the old key PREVIOUS and a new version CURRENT; old values still open and
//         `needsResealing` tells which to seal again with the current key.

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ALGORITHM = 'aes-256-gcm';
const SEALED_PATTERN = /^v([1-9][0-9]{0,5})\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)$/;
const KEY_PATTERN = /^(?:v([1-9][0-9]{0,5}):)?([A-Za-z0-9+/_-]+={0,2})$/;

export interface Keyring {
  current: { version: number; key: Buffer };
  /** Versions that may still open older values; never used to seal. */
  previous: Map<number, Buffer>;
}

export interface SecretBox {
  /** The key version new values are sealed with. */
  readonly version: number;
  seal(plaintext: string, context: string): string;
  /** Throws INVALID_INPUT when the value is malformed, tampered with or sealed by an unknown key. */
  open(sealed: string, context: string): string;
  /** True when the value was sealed by an older key version. */
  needsResealing(sealed: string): boolean;
}

function invalid(message: string, path: string): LoomError {
  return new LoomError('INVALID_INPUT', message, { issues: [{ path, message }] });
}

function parseKey(text: string, path: string, defaultVersion: number | undefined) {
  const match = KEY_PATTERN.exec(text.trim());
  const version = match?.[1] !== undefined ? Number(match[1]) : defaultVersion;
  if (!match?.[2] || version === undefined) {
    throw invalid(`${path} must look like "v<number>:<base64 of 32 bytes>"`, path);
  }
  const key = Buffer.from(match[2], 'base64');
  if (key.length !== KEY_BYTES) {
    throw invalid(
      `${path} must be the base64 of exactly ${KEY_BYTES} bytes (e.g. openssl rand -base64 32), got ${key.length} bytes`,
      path,
    );
  }
  return { version, key };
}

/** Parses the environment's key settings; INVALID_INPUT names the variable at fault. */
export function parseKeyring(current: string, previous?: string): Keyring {
  const parsedCurrent = parseKey(current, 'LOOM_ENCRYPTION_KEY', 1);
  const older = new Map<number, Buffer>();
  for (const part of (previous ?? '').split(',')) {
    if (part.trim() === '') continue;
    const { version, key } = parseKey(part, 'LOOM_ENCRYPTION_KEY_PREVIOUS', undefined);
    if (version === parsedCurrent.version || older.has(version)) {
      throw invalid(`key version v${version} is given twice`, 'LOOM_ENCRYPTION_KEY_PREVIOUS');
    }
    older.set(version, key);
  }
  return { current: parsedCurrent, previous: older };
}

export function createSecretBox(keyring: Keyring): SecretBox {
  const keyFor = (version: number): Buffer | undefined =>
    version === keyring.current.version ? keyring.current.key : keyring.previous.get(version);

  return {
    version: keyring.current.version,
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, keyring.current.key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const parts = [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url'));
      return `v${keyring.current.version}.${parts.join('.')}`;
    },
    open(sealed, context) {
      const match = SEALED_PATTERN.exec(sealed);
      if (!match) throw invalid('The stored secret is not in the sealed format', 'secret');
      const version = Number(match[1]);
      const key = keyFor(version);
      if (!key) {
        throw invalid(
          `The stored secret was sealed with key version v${version}, which is neither LOOM_ENCRYPTION_KEY nor in LOOM_ENCRYPTION_KEY_PREVIOUS`,
          'secret',
        );
      }
      const iv = Buffer.from(match[2] ?? '', 'base64url');
      const tag = Buffer.from(match[3] ?? '', 'base64url');
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
        throw invalid('The stored secret is not in the sealed format', 'secret');
      }
      try {
        const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(tag);
        const body = Buffer.from(match[4] ?? '', 'base64url');
        return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
      } catch {
        // GCM authentication failed: the wrong key, another row's value, or altered bytes.
        throw invalid('The stored secret failed its integrity check and was not used', 'secret');
      }
    },
    needsResealing(sealed) {
      const match = SEALED_PATTERN.exec(sealed);
      return match !== null && Number(match[1]) !== keyring.current.version;
    },
  };
}

/**
 * A display form that reveals at most OpenAI's public prefix and the last four characters
 * (`sk-…abcd`); keys too short to hide anything show no characters at all.
 */
export function maskSecret(secret: string): string {
  const trimmed = secret.trim();
  if (trimmed.length < 12) return '…';
  const prefix = /^sk-(?:proj-|svcacct-|admin-)?/.exec(trimmed)?.[0] ?? '';
  return `${prefix}…${trimmed.slice(-4)}`;
}
