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

describe('scale-out settings', () => {
  it('reads S3 settings, path style on by default with an endpoint, and wants a bucket with them', () => {
    const env = parseEnv({
      S3_URL: 'http://127.0.0.1:9000',
      S3_BUCKET: 'loom',
      S3_ACCESS_KEY_ID: 'a',
      S3_SECRET_ACCESS_KEY: 'b',
    });
    expect(env).toMatchObject({ S3_URL: 'http://127.0.0.1:9000', S3_BUCKET: 'loom', S3_REGION: 'us-east-1' });
    expect(parseEnv({ S3_BUCKET: 'b', S3_FORCE_PATH_STYLE: 'false' }).S3_FORCE_PATH_STYLE).toBe(false);
    expect(() => parseEnv({ S3_URL: 'http://x' })).toThrow(/S3_BUCKET: must be set/);
    expect(() => parseEnv({ S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'a' })).toThrow(/S3_SECRET_ACCESS_KEY/);
    expect(() => parseEnv({ S3_BUCKET: 'b', S3_KEY_PREFIX: 'loom' })).toThrow(
      /S3_KEY_PREFIX: must end with "\/"/,
    );
  });

  it('keeps run outputs up to 32 KB inline by default, and takes only a positive whole number of bytes', () => {
    expect(parseEnv({}).LOOM_RUN_OUTPUT_INLINE_BYTES).toBe(32_768);
    expect(parseEnv({ LOOM_RUN_OUTPUT_INLINE_BYTES: '4096' }).LOOM_RUN_OUTPUT_INLINE_BYTES).toBe(4096);
    for (const bad of ['0', '-1', '1.5', 'big']) {
      expect(() => parseEnv({ LOOM_RUN_OUTPUT_INLINE_BYTES: bad })).toThrow(/LOOM_RUN_OUTPUT_INLINE_BYTES/);
    }
  });

  it('takes a redis:// URL and nothing else', () => {
    expect(parseEnv({ REDIS_URL: 'redis://127.0.0.1:6379/2' }).REDIS_URL).toBe('redis://127.0.0.1:6379/2');
    expect(parseEnv({ REDIS_URL: '' }).REDIS_URL).toBeUndefined();
    expect(() => parseEnv({ REDIS_URL: 'http://x' })).toThrow(/REDIS_URL/);
  });
});
