import { describe, expect, it } from 'vitest';
import { parseEnv } from './env';

describe('parseEnv', () => {
  it('refuses production without a strong NEXTAUTH_SECRET, naming the variable', () => {
    expect(() => parseEnv({ NODE_ENV: 'production' })).toThrow(/NEXTAUTH_SECRET: must be set/);
    expect(() => parseEnv({ NODE_ENV: 'production', NEXTAUTH_SECRET: 'short' })).toThrow(/NEXTAUTH_SECRET/);
    expect(
      parseEnv({ NODE_ENV: 'production', NEXTAUTH_SECRET: 'x'.repeat(32) }).NEXTAUTH_SECRET,
    ).toHaveLength(32);
  });

  it('allows development without a secret and treats an empty DATABASE_URL as unset', () => {
    expect(parseEnv({ NODE_ENV: 'development', DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it('rejects a DATABASE_URL that is not PostgreSQL', () => {
    expect(() => parseEnv({ DATABASE_URL: 'mysql://x' })).toThrow(
      /DATABASE_URL: must be a postgresql:\/\/ URL/,
    );
  });

  it('wants both admin variables or neither', () => {
    expect(() => parseEnv({ LOOM_ADMIN_EMAIL: 'a@b.test' })).toThrow(/LOOM_ADMIN_PASSWORD/);
  });

  it('reads the trusted proxy hops as a small whole number, 0 by default', () => {
    expect(parseEnv({}).LOOM_TRUSTED_PROXY_HOPS).toBe(0);
    expect(parseEnv({ LOOM_TRUSTED_PROXY_HOPS: '1' }).LOOM_TRUSTED_PROXY_HOPS).toBe(1);
    expect(() => parseEnv({ LOOM_TRUSTED_PROXY_HOPS: 'yes' })).toThrow(/LOOM_TRUSTED_PROXY_HOPS/);
  });

  it('runs the job worker in-process by default; off only with a PostgreSQL server', () => {
    expect(parseEnv({}).LOOM_WORKER).toBe('in-process');
    expect(parseEnv({ LOOM_WORKER: 'off', DATABASE_URL: 'postgresql://h/db' }).LOOM_WORKER).toBe('off');
    expect(() => parseEnv({ LOOM_WORKER: 'off' })).toThrow(/LOOM_WORKER: can be off only with DATABASE_URL/);
    expect(() => parseEnv({ LOOM_WORKER: 'separate' })).toThrow(/LOOM_WORKER/);
  });
});
