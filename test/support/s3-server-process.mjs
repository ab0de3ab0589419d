// s3rver in a process of its own (test/support/s3-server.ts starts it): `node --openssl-legacy-provider
// s3-server-process.mjs CONFIG_JSON`. Prints {"port":N} once listening; stops on SIGTERM. The legacy provider is
// for s3rver's continuation tokens (DES: without it a listing of more than 1,000 keys fails with HTTP 500).
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import S3rver from 's3rver';

const config = JSON.parse(process.argv[2]);
const { directory } = config;
const UPLOADS = '._S3rver_uploads';

function uploadsOf(bucket) {
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

const xmlEscape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const noSuchUpload = (ctx) => {
  ctx.status = 404;
  ctx.type = 'application/xml';
  ctx.body =
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>';
};
const uploadDir = (bucket, id) => join(directory, bucket, UPLOADS, id.replace(/[/\\.]/g, ''));

/** ListMultipartUploads and AbortMultipartUpload, which s3rver lacks, over its uploads folder (path-style only). */
async function multipartAdmin(ctx, next) {
  const [, bucket, ...rest] = ctx.path.split('/');
  const key = decodeURIComponent(rest.join('/'));
  if (ctx.method === 'GET' && bucket && !key && 'uploads' in ctx.query) {
    const prefix = ctx.query.prefix ?? '';
    const uploads = uploadsOf(bucket).filter((u) => u.key.startsWith(prefix));
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
    const dir = uploadDir(bucket, ctx.query.uploadId);
    if (!existsSync(dir)) return noSuchUpload(ctx);
    rmSync(dir, { recursive: true, force: true });
    ctx.status = 204;
    ctx.body = null;
    return;
  }
  // A part for an upload that is gone (aborted) is refused, as S3 does: s3rver would make its folder again.
  if (ctx.method === 'PUT' && bucket && key && ctx.query.uploadId && ctx.query.partNumber) {
    if (!existsSync(join(uploadDir(bucket, ctx.query.uploadId), 'key'))) return noSuchUpload(ctx);
  }
  await next();
}

const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory,
  vhostBuckets: false,
  configureBuckets: config.buckets.map((name) => ({ name, configs: [] })),
  ...(config.keyFile ? { key: readFileSync(config.keyFile), cert: readFileSync(config.certFile) } : {}),
});
// Ahead of s3rver's router (its last middleware).
server.middleware.splice(server.middleware.length - 1, 0, multipartAdmin);
const address = await server.run();
process.stdout.write(JSON.stringify({ port: address.port }) + '\n');
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
