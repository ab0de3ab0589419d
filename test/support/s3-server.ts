/**
 * A real S3-compatible server for the tests: s3rver (npm, 3.7) on 127.0.0.1, a free port, its objects in a temp
 * folder, stopped and removed after. Optionally over TLS with a self-signed certificate made by `openssl` at test
 * time (`tls: true`: pgBackRest's S3 repository wants https); give clients `caFile` (NODE_EXTRA_CA_CERTS, or
 * pgBackRest's repo-storage-ca-file).
 *
 * What s3rver does not emulate (found out here; tests must not rely on it):
 * - SigV4 signatures are not checked: a wrong secret key is accepted; only an unknown access key id is refused
 *   (InvalidAccessKeyId, 403). Its one account is `S3RVER` / `S3RVER`.
 * - Checksums: x-amz-checksum-* headers are ignored, never checked and never returned (no ChecksumSHA256 in any
 *   answer), so an upload to it is never "checked by the store".
 * - ListMultipartUploads (GET ?uploads) and AbortMultipartUpload (DELETE ?uploadId) are not implemented, and a part
 *   sent for an aborted upload is stored anyway: this helper adds both calls and refuses such a part (NoSuchUpload), over s3rver's own on-disk uploads folder (`<bucket>/._S3rver_uploads/<id>/`), so that an
 *   aborted upload's parts are really gone and a listing shows what is really left.
 * - Versioning, Object Lock, lifecycle, bucket policies: not implemented (GetBucketVersioning answers
 *   NotImplemented).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
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

function uploadsOf(directory: string, bucket: string): { key: string; uploadId: string; initiated: Date }[] {
  const dir = join(directory, bucket, UPLOADS);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((id) => existsSync(join(dir, id, 'key')))
    .map((id) => ({
      key: readFileSync(join(dir, id, 'key'), 'utf8'),
      uploadId: id,
      initiated: statSync(join(dir, id)).mtime,
    }));
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | undefined>;
  req: IncomingMessage;
  status: number;
  type: string;
  body: unknown;
}

/** ListMultipartUploads and AbortMultipartUpload, which s3rver lacks, over its uploads folder (path-style only). */
function multipartAdmin(directory: string) {
  return async (ctx: KoaContext, next: () => Promise<void>) => {
    const [, bucket, ...rest] = ctx.path.split('/');
    const key = decodeURIComponent(rest.join('/'));
    if (ctx.method === 'GET' && bucket && !key && 'uploads' in ctx.query) {
      const prefix = ctx.query.prefix ?? '';
      const uploads = uploadsOf(directory, bucket).filter((u) => u.key.startsWith(prefix));
      ctx.type = 'application/xml';
      ctx.body =
        '<?xml version="1.0" encoding="UTF-8"?>\n<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        `<Bucket>${xmlEscape(bucket)}</Bucket><Prefix>${xmlEscape(prefix)}</Prefix><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>` +
        uploads
          .map(
            (u) =>
              `<Upload><Key>${xmlEscape(u.key)}</Key><UploadId>${u.uploadId}</UploadId><Initiated>${u.initiated.toISOString()}</Initiated></Upload>`,
          )
          .join('') +
        '</ListMultipartUploadsResult>';
      return;
    }
    if (ctx.method === 'DELETE' && bucket && key && ctx.query.uploadId) {
      const dir = join(directory, bucket, UPLOADS, ctx.query.uploadId.replace(/[/\\.]/g, ''));
      if (!existsSync(dir)) {
        ctx.status = 404;
        ctx.type = 'application/xml';
        ctx.body =
          '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>';
        return;
      }
      rmSync(dir, { recursive: true, force: true });
      ctx.status = 204;
      ctx.body = null;
      return;
    }
    // A part for an upload that is gone (aborted) is refused, as S3 does: s3rver would make its folder again.
    if (ctx.method === 'PUT' && bucket && key && ctx.query.uploadId && ctx.query.partNumber) {
      const dir = join(directory, bucket, UPLOADS, ctx.query.uploadId.replace(/[/\\.]/g, ''));
      if (!existsSync(join(dir, 'key'))) {
        ctx.status = 404;
        ctx.type = 'application/xml';
        ctx.body =
          '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>';
        return;
      }
    }
    await next();
  };
}

/** Starts s3rver on 127.0.0.1 with `buckets` made (default one, "backups"). */
export async function startS3Server(o: { tls?: boolean; buckets?: string[] } = {}): Promise<S3TestServer> {
  const buckets = o.buckets ?? ['backups'];
  const root = workFolder('pgb-s3-');
  const directory = join(root, 'data');
  let tls: { key: Buffer; cert: Buffer } | undefined;
  let caFile: string | undefined;
  if (o.tls) {
    const keyFile = join(root, 'key.pem');
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
    tls = { key: readFileSync(keyFile), cert: readFileSync(caFile) };
  }
  const { default: S3rver } = await import('s3rver');
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
    ...(tls ?? {}),
  });
  // Ahead of s3rver's router (its last middleware): the two multipart calls it lacks.
  const stack = (server as unknown as { middleware: unknown[] }).middleware;
  stack.splice(stack.length - 1, 0, multipartAdmin(directory));
  const address = (await server.run()) as { port: number };
  const endpoint = `${tls ? 'https' : 'http'}://127.0.0.1:${address.port}`;
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
    pendingUploads: (bucket) => uploadsOf(directory, bucket).map(({ key, uploadId }) => ({ key, uploadId })),
    async stop() {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
