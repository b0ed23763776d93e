export { createS3BlobStore, createS3Client, type S3BlobStoreOptions, type S3Settings } from './s3-blob-store';
