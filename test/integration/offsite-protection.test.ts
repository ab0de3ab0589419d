import assert from 'node:assert/strict';
import { PgBackupError } from '../../src/core/errors';
import { parseDestination } from '../../src/core/offsite/destination';
import { readBucketProtection } from '../../src/core/offsite/protection';
import { createS3Client } from '../../src/core/offsite/s3-client';
import { S3_ACCESS_KEY, S3_SECRET_KEY, startS3Server, type S3TestServer } from '../support/s3-server';

describe('bucket protection against a real S3-compatible server (s3rver)', function () {
  this.timeout(60_000);
  let s3: S3TestServer;
  before(async () => (s3 = await startS3Server()));
  after(() => s3?.stop());

  const spec = () => parseDestination('s3://backups/prod', { endpoint: s3.endpoint, pathStyle: true });
  const credentials = { accessKeyId: S3_ACCESS_KEY, secretAccessKey: S3_SECRET_KEY };

  it('s3rver implements neither call: unknown, with its own answer, and assumed unprotected', async () => {
    const d = spec();
    assert.equal(d.kind, 's3');
    if (d.kind !== 's3') return;
    const client = await createS3Client(d, { credentials });
    try {
      const p = await readBucketProtection(client, d);
      assert.deepEqual([p.versioning, p.objectLock], ['unknown', 'unknown']);
      assert.match(
        p.summary,
        /^The store did not say whether versioning or Object Lock is on \(versioning: UnexpectedAnswer: it answered with <ListBucketResult>, not <VersioningConfiguration>; Object Lock: NotImplemented/,
      );
      assert.match(p.summary, /assuming neither, deleting the bucket, deleting the account/);
    } finally {
      client.destroy();
    }
  });

  it('wrong keys and an unreachable endpoint throw one clear line each, not an "unknown"', async () => {
    const d = spec();
    if (d.kind !== 's3') return;
    const wrong = await createS3Client(d, { credentials: { accessKeyId: 'NOPE', secretAccessKey: 'x' } });
    await assert.rejects(readBucketProtection(wrong, d), (e: unknown) => {
      assert.ok(e instanceof PgBackupError);
      assert.equal(e.kind, 'auth');
      assert.match(e.message, /^Cannot read the protection of bucket backups: the store refused the credentials/);
      return true;
    });
    wrong.destroy();
    const gone = { ...d, endpoint: 'http://127.0.0.1:1' };
    const nowhere = await createS3Client(gone, { credentials, maxAttempts: 1 });
    await assert.rejects(readBucketProtection(nowhere, gone), (e: unknown) => {
      assert.ok(e instanceof PgBackupError);
      assert.equal(e.kind, 'unreachable');
      assert.match(e.message, /http:\/\/127\.0\.0\.1:1 does not answer \(ECONNREFUSED\)/);
      return true;
    });
    nowhere.destroy();
  });
});
