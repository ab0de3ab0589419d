/**
 * A real S3-compatible server for the tests: s3rver (npm, 3.7) in a process of its own (s3-server-process.mjs) on
 * 127.0.0.1, a free port, its objects in a temp folder, stopped and removed after. Optionally over TLS with a self-signed certificate made by `openssl` at test
 * time (`tls: true`: pgBackRest's S3 repository wants https); give clients `caFile` (NODE_EXTRA_CA_CERTS, or
 * pgBackRest's repo-storage-ca-file).
 *
 * What s3rver does not emulate (found out here; tests must not rely on it):
 * - SigV4 signatures are not checked: a wrong secret key is accepted; only an unknown access key id is refused
 *   (InvalidAccessKeyId, 403). Its one account is `S3RVER` / `S3RVER`.
 * - Checksums: x-amz-checksum-* headers are ignored, never checked and never returned (no ChecksumSHA256 in any
 *   answer), so an upload to it is never "checked by the store".
 * - ListMultipartUploads (GET ?uploads) and AbortMultipartUpload (DELETE ?uploadId) are not implemented, and a part
 *   sent for an aborted upload is stored anyway: the server process adds both calls and refuses such a part
 *   (NoSuchUpload), over s3rver's own on-disk uploads folder (`<bucket>/._S3rver_uploads/<id>/`), so that an aborted
 *   upload's parts are really gone and a listing shows what is really left.
 * - Listing more than 1,000 keys: its continuation tokens are DES-encrypted, which OpenSSL 3 has only in its legacy
 *   provider: the server process runs with --openssl-legacy-provider (else HTTP 500 on the second page).
 * - Versioning, Object Lock, lifecycle, bucket policies: not implemented (GetBucketVersioning answers
 *   NotImplemented).
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { workFolder } from './work-folder';

export const S3_ACCESS_KEY = 'S3RVER';
export const S3_SECRET_KEY = 'S3RVER';

export interface S3TestServer {
  /** `http://127.0.0.1:PORT` (or https). */
  endpoint: string;
  port: number;
  /** Where s3rver keeps the buckets: `<directory>/<bucket>/…`. */
  directory: string;
  /** The buckets made at start. */
  buckets: string[];
  /** The self-signed certificate (PEM) of a TLS server. */
  caFile?: string;
  /** The variables a client (our CLI, the SDK's default chain) needs to reach it. */
  env: Record<string, string>;
  /** The multipart uploads begun and neither completed nor aborted, read from s3rver's folder. */
  pendingUploads(bucket: string): { key: string; uploadId: string }[];
  stop(): Promise<void>;
}

const UPLOADS = '._S3rver_uploads';

/**
 * The server process's script: next to this file, or (this file bundled into the extension-host tests,
 * out/test/extension/index.js) in test/support of the repository the bundle was built in.
 */
function serverScript(): string {
  const here = join(__dirname, 's3-server-process.mjs');
  return existsSync(here) ? here : join(__dirname, '..', '..', '..', 'test', 'support', 's3-server-process.mjs');
}

/** What is on the server's disk, whatever its API says: an upload is a folder with its key in it. */
function uploadsOnDisk(directory: string, bucket: string): { key: string; uploadId: string }[] {
  const dir = join(directory, bucket, UPLOADS);
  const ids = existsSync(dir) ? readdirSync(dir) : [];
  return ids.flatMap((uploadId) => {
    const keyFile = join(dir, uploadId, 'key');
    return existsSync(keyFile) ? [{ key: readFileSync(keyFile, 'utf8'), uploadId }] : [];
  });
}

/** Starts s3rver on 127.0.0.1 with `buckets` made (default one, "backups"). */
export async function startS3Server(o: { tls?: boolean; buckets?: string[] } = {}): Promise<S3TestServer> {
  const buckets = o.buckets ?? ['backups'];
  const root = workFolder('pgb-s3-');
  const directory = join(root, 'data');
  let caFile: string | undefined;
  const keyFile = join(root, 'key.pem');
  if (o.tls) {
    caFile = join(root, 'cert.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', caFile, '-days', '2'].concat([
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ]),
      { stdio: 'ignore' },
    );
  }
  const child = spawn(
    process.execPath,
    [
      '--openssl-legacy-provider',
      serverScript(),
      JSON.stringify({ directory, buckets, ...(caFile ? { keyFile, certFile: caFile } : {}) }),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (d) => {
      text += d;
      if (text.includes('\n')) resolve(JSON.parse(text).port);
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`s3rver exited (${code}) before listening`)));
  });
  const address = { port };
  const endpoint = `${caFile ? 'https' : 'http'}://127.0.0.1:${address.port}`;
  return {
    endpoint,
    port: address.port,
    directory,
    buckets,
    caFile,
    env: {
      AWS_ACCESS_KEY_ID: S3_ACCESS_KEY,
      AWS_SECRET_ACCESS_KEY: S3_SECRET_KEY,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: endpoint,
      ...(caFile ? { NODE_EXTRA_CA_CERTS: caFile } : {}),
    },
    pendingUploads: (bucket) => uploadsOnDisk(directory, bucket),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
