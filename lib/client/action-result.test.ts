import { describe, expect, it } from 'vitest';
import { LOOM_ERROR_CODES } from '@/lib/loom/core';
import { ActionFailure, ERROR_TEXT, errorMessage } from './action-result';

describe('errorMessage', () => {
  it.each(LOOM_ERROR_CODES)('has plain wording without a code for %s', (code) => {
    const text = errorMessage({ code, message: code });
    expect(text).toBe(ERROR_TEXT[code]);
    expect(text).not.toMatch(/\b[A-Z]{2,}_[A-Z_]+\b|\b(INVALID|UNAVAILABLE|INTERNAL|CONFLICT)\b/);
  });

  it("shows the server's own message when it is readable", () => {
    expect(errorMessage({ code: 'CONFLICT', message: 'Version 3 was saved by ana@x.test.' })).toBe(
      'Version 3 was saved by ana@x.test.',
    );
  });

  it('replaces messages that are codes, start with one, are empty or are markup', () => {
    expect(errorMessage({ code: 'UNAVAILABLE', message: 'UNAVAILABLE: upstream 503' })).toBe(
      ERROR_TEXT.UNAVAILABLE,
    );
    expect(errorMessage({ code: 'INVALID_INPUT', message: '' })).toBe(ERROR_TEXT.INVALID_INPUT);
    expect(errorMessage({ code: 'PROVIDER_ERROR', message: '<!DOCTYPE html><html>…' })).toBe(
      ERROR_TEXT.PROVIDER_ERROR,
    );
  });

  it('never shows server detail for INTERNAL, and has words for a code it does not know', () => {
    expect(errorMessage({ code: 'INTERNAL', message: 'TypeError: x is undefined' })).toBe(
      ERROR_TEXT.INTERNAL,
    );
    expect(errorMessage({ code: 'SOMETHING_NEW', message: 'SOMETHING_NEW' })).toMatch(
      /^Something went wrong/,
    );
  });

  it('is the message of an ActionFailure', () => {
    expect(new ActionFailure({ code: 'INVALID_INPUT', message: 'INVALID_INPUT' }).message).toBe(
      'Some fields need attention.',
    );
  });
});
