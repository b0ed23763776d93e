import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox, maskSecret, parseKeyring } from './secret-box';

const keyText = () => randomBytes(32).toString('base64');
const CONTEXT = 'ws_1/openai';

function flipCharAt(sealed: string, partIndex: number): string {
  const parts = sealed.split('.');
  const part = parts[partIndex] ?? '';
  const bytes = Buffer.from(part, 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  parts[partIndex] = bytes.toString('base64url');
  return parts.join('.');
}

describe('secret box', () => {
  it('opens what it sealed, and seals the same text differently each time', () => {
    const box = createSecretBox(parseKeyring(keyText()));
    const first = box.seal('sk-test-1234567890abcd', CONTEXT);
    const second = box.seal('sk-test-1234567890abcd', CONTEXT);
    expect(first).not.toBe(second);
    expect(first).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(first).not.toContain('sk-test');
    expect(box.open(first, CONTEXT)).toBe('sk-test-1234567890abcd');
    expect(box.open(second, CONTEXT)).toBe('sk-test-1234567890abcd');
    expect(box.open(box.seal('', CONTEXT), CONTEXT)).toBe('');
    expect(box.open(box.seal('ключ 🔑', CONTEXT), CONTEXT)).toBe('ключ 🔑');
  });

  it('refuses a value whose ciphertext, tag or IV was altered', () => {
    const box = createSecretBox(parseKeyring(keyText()));
    const sealed = box.seal('sk-secret-value-0001', CONTEXT);
    for (const part of [1, 2, 3]) {
      expect(() => box.open(flipCharAt(sealed, part), CONTEXT)).toThrow(
        expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(/integrity/) }),
      );
    }
    expect(() => box.open(sealed.slice(0, -2), CONTEXT)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    expect(() => box.open('plain-text-key', CONTEXT)).toThrow(/sealed format/);
  });

  it('refuses a value moved to another row (its context is authenticated)', () => {
    const box = createSecretBox(parseKeyring(keyText()));
    const sealed = box.seal('sk-secret-value-0001', 'ws_1/openai');
    expect(() => box.open(sealed, 'ws_2/openai')).toThrow(/integrity/);
  });

  it('refuses a value sealed with another key', () => {
    const sealed = createSecretBox(parseKeyring(keyText())).seal('sk-secret-value-0001', CONTEXT);
    expect(() => createSecretBox(parseKeyring(keyText())).open(sealed, CONTEXT)).toThrow(/integrity/);
  });

  it('rotates: a new current key seals, the previous one still opens older values', () => {
    const oldKey = keyText();
    const oldBox = createSecretBox(parseKeyring(oldKey));
    const sealedBefore = oldBox.seal('sk-rotated-key-9999', CONTEXT);

    const rotated = createSecretBox(parseKeyring(`v2:${keyText()}`, `v1:${oldKey}`));
    expect(rotated.version).toBe(2);
    expect(rotated.open(sealedBefore, CONTEXT)).toBe('sk-rotated-key-9999');
    expect(rotated.needsResealing(sealedBefore)).toBe(true);
    const resealed = rotated.seal(rotated.open(sealedBefore, CONTEXT), CONTEXT);
    expect(resealed.startsWith('v2.')).toBe(true);
    expect(rotated.needsResealing(resealed)).toBe(false);

    const forgotten = createSecretBox(parseKeyring(`v2:${keyText()}`));
    expect(() => forgotten.open(sealedBefore, CONTEXT)).toThrow(
      /key version v1, which is neither LOOM_ENCRYPTION_KEY nor in LOOM_ENCRYPTION_KEY_PREVIOUS/,
    );
  });

  it('names the variable at fault for malformed keys', () => {
    expect(() => parseKeyring('too-short')).toThrow(
      /LOOM_ENCRYPTION_KEY must be the base64 of exactly 32 bytes/,
    );
    expect(() => parseKeyring(keyText(), keyText())).toThrow(/LOOM_ENCRYPTION_KEY_PREVIOUS must look like/);
    const key = keyText();
    expect(() => parseKeyring(`v3:${keyText()}`, `v3:${key}`)).toThrow(/v3 is given twice/);
    expect(parseKeyring(`v7:${key}`, ` v1:${keyText()} , v2:${keyText()} `).previous.size).toBe(2);
  });
});

describe('maskSecret', () => {
  it('shows at most the public prefix and the last four characters', () => {
    expect(maskSecret('sk-proj-abcdefghijklmnopqrstuvwxyz1234')).toBe('sk-proj-…1234');
    expect(maskSecret('sk-abcdefghijklmnop9876')).toBe('sk-…9876');
    expect(maskSecret('gsk_abcdefghijklmnopq5678')).toBe('…5678');
    expect(maskSecret('short-key')).toBe('…');
  });
});
