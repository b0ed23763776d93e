import 'server-only';
import { z } from 'zod';
import { isLoomError } from '@/lib/loom/core';
import { parseAllowList } from './egress';
import { parseKeyring } from './secret-box';

/** Secrets shorter than this are guessable; `openssl rand -base64 32` gives 44 characters. */
const MIN_SECRET_LENGTH = 32;

/** An optional setting where an empty value means unset. */
const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    DATABASE_URL: z
      .string()
      .trim()
      .optional()
      .transform((v) => (v ? v : undefined))
      .refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), 'must be a postgresql:// URL'),
    /** Where the embedded PostgreSQL keeps its files when DATABASE_URL is unset. */
    LOOM_DATA_DIR: z.string().default('.data'),
    NEXTAUTH_SECRET: z.string().optional(),
    /** The public URL behind a proxy: its origin may send state-changing requests, and https turns on HSTS. */
    NEXTAUTH_URL: z.url().optional(),
    LOOM_ADMIN_EMAIL: z.email().optional(),
    LOOM_ADMIN_PASSWORD: z.string().min(8).optional(),
    /** Seals provider API keys: "[v<n>:]<base64 of 32 bytes>"; see lib/server/secret-box.ts. */
    LOOM_ENCRYPTION_KEY: z.string().trim().min(1).optional(),
    /** Older keys, for opening values sealed before a rotation: "v1:<base64>,v2:<base64>". */
    LOOM_ENCRYPTION_KEY_PREVIOUS: z.string().trim().optional(),
    /**
     * How many reverse proxies of yours stand in front of the studio (0: browsers connect
     * directly). Sign-in throttling keys on the client's address: with 0 it is the connection's
     * peer and X-Forwarded-For is ignored (clients can forge it); with n it is the address the
     * n-th proxy from the studio saw, read from X-Forwarded-For. Set it to exactly the number of
     * proxies that append to that header, or clients can choose their own address.
     */
    LOOM_TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
    /**
     * Where background jobs (evaluation runs) run: `in-process` (default) in the studio's server
     * process; `off` only when separate `npm run worker` processes take them (needs DATABASE_URL).
     */
    LOOM_WORKER: z.enum(['in-process', 'off']).default('in-process'),
    /**
     * Redis shared by every instance (`redis://` or `rediss://`): prompt-cache invalidation, API rate
     * limits and response cache, key revocation. Unset: each instance keeps these to itself.
     */
    REDIS_URL: optionalText.refine(
      (v) => v === undefined || /^rediss?:\/\//.test(v),
      'must be a redis:// or rediss:// URL',
    ),
    /** An S3 bucket for large files (suite exports); unset: files under LOOM_DATA_DIR/blobs. */
    S3_BUCKET: optionalText,
    /** The endpoint of an S3-compatible server (MinIO, Ceph, R2...); unset with AWS S3 itself. */
    S3_URL: optionalText.refine(
      (v) => v === undefined || /^https?:\/\//.test(v),
      'must be an http(s):// URL',
    ),
    S3_REGION: z.string().trim().min(1).default('us-east-1'),
    /** Unset: the AWS SDK's default chain (environment, profile, instance role). */
    S3_ACCESS_KEY_ID: optionalText,
    S3_SECRET_ACCESS_KEY: optionalText,
    /** Path-style URLs (`host/bucket/key`): what most S3-compatible servers need; default on with S3_URL. */
    S3_FORCE_PATH_STYLE: z
      .enum(['true', 'false', '1', '0'])
      .optional()
      .transform((v) => (v === undefined ? undefined : v === 'true' || v === '1')),
    /** Keys are stored under this prefix, so a bucket can be shared (e.g. `loom/`). */
    S3_KEY_PREFIX: z
      .string()
      .trim()
      .default('')
      .refine((v) => v === '' || /^[A-Za-z0-9._\/-]*\/$/.test(v), 'must end with "/" (e.g. loom/)'),
    /** The offline simulator (lib/adapters/fake-llm) that `npm start` runs beside the studio. */
    LOOM_SIMULATOR_URL: z.url().optional(),
    /** Internal hosts, addresses or CIDR ranges providers may reach (all others are refused); see egress.ts. */
    LOOM_PROVIDER_ALLOWLIST: z
      .string()
      .optional()
      .transform((text, ctx) => {
        try {
          return parseAllowList(text);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message });
          return z.NEVER;
        }
      }),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && (env.NEXTAUTH_SECRET ?? '').length < MIN_SECRET_LENGTH) {
      ctx.addIssue({
        code: 'custom',
        path: ['NEXTAUTH_SECRET'],
        message: `must be set to a random secret of at least ${MIN_SECRET_LENGTH} characters in production (e.g. openssl rand -base64 32)`,
      });
    }
    if (env.LOOM_ENCRYPTION_KEY) {
      try {
        parseKeyring(env.LOOM_ENCRYPTION_KEY, env.LOOM_ENCRYPTION_KEY_PREVIOUS);
      } catch (error) {
        if (!isLoomError(error)) throw error;
        for (const issue of error.details.issues ?? []) {
          ctx.addIssue({
            code: 'custom',
            path: [issue.path ?? 'LOOM_ENCRYPTION_KEY'],
            message: issue.message,
          });
        }
      }
    } else if (env.LOOM_ENCRYPTION_KEY_PREVIOUS) {
      ctx.addIssue({
        code: 'custom',
        path: ['LOOM_ENCRYPTION_KEY'],
        message:
          'must be set when LOOM_ENCRYPTION_KEY_PREVIOUS is (the current key seals, previous ones only open)',
      });
    }
    if (env.LOOM_WORKER === 'off' && !env.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['LOOM_WORKER'],
        message:
          'can be off only with DATABASE_URL: the embedded database belongs to the studio process, so its worker must run there',
      });
    }
    if ((env.S3_URL || env.S3_ACCESS_KEY_ID || env.S3_SECRET_ACCESS_KEY) && !env.S3_BUCKET) {
      ctx.addIssue({
        code: 'custom',
        path: ['S3_BUCKET'],
        message: 'must be set with the other S3_ settings',
      });
    }
    if (Boolean(env.S3_ACCESS_KEY_ID) !== Boolean(env.S3_SECRET_ACCESS_KEY)) {
      ctx.addIssue({
        code: 'custom',
        path: ['S3_SECRET_ACCESS_KEY'],
        message: 'set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither',
      });
    }
    if (Boolean(env.LOOM_ADMIN_EMAIL) !== Boolean(env.LOOM_ADMIN_PASSWORD)) {
      ctx.addIssue({
        code: 'custom',
        path: ['LOOM_ADMIN_PASSWORD'],
        message: 'set both LOOM_ADMIN_EMAIL and LOOM_ADMIN_PASSWORD, or neither',
      });
    }
  });

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  override readonly name = 'EnvError';
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new EnvError(`Invalid environment: ${lines.join('; ')}`);
  }
  return result.data;
}

let cached: Env | undefined;

/** The one place that reads process.env; parsed on first use so `next build` does not need secrets. */
export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
