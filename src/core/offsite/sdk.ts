/**
 * The AWS SDK parts off-site copies use, in one module that is only ever imported dynamically (s3-client.ts):
 * esbuild bundles it on its own into dist/vendor/aws-sdk.js, so neither activation nor `pg-backup tools` parses
 * its ~1 MB.
 */
export {
  AbortMultipartUploadCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
export { Upload } from '@aws-sdk/lib-storage';
