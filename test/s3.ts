// An S3-compatible server for integration tests: s3rver on loopback, on a free port, with its data
// in a temp directory deleted on stop. The AWS SDK talks to it exactly as to S3.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import type { S3Settings } from '@/lib/adapters/s3';

export interface TestS3 {
  settings: S3Settings & { endpoint: string };
  bucket: string;
  stop: () => Promise<void>;
}

export async function startTestS3(bucket = 'loom-test'): Promise<TestS3> {
  const directory = await mkdtemp(path.join(tmpdir(), 'loom-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const { port } = await server.run();
  return {
    bucket,
    settings: {
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      // s3rver's fixed credentials: it checks signatures like S3 does.
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      forcePathStyle: true,
    },
    stop: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
