/** Destinations and remote locations as users write them (`s3://bucket/prefix`, a folder), and their refusals. */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { PgBackupError } from '../../src/core/errors';
import {
  describeDestination,
  locationOf,
  parseDestination,
  parseRemoteLocation,
} from '../../src/core/offsite/destination';
import { s3Failure } from '../../src/core/offsite/s3-client';

const usage = (re: RegExp) => (e: unknown) => e instanceof PgBackupError && e.kind === 'usage' && re.test(e.message);

describe('off-site destinations', () => {
  it('parses s3://bucket/prefix with its flags, and a folder', () => {
    assert.deepEqual(
      parseDestination('s3://my-bucket/team/db/', { endpoint: 'http://127.0.0.1:9000', pathStyle: true }),
      {
        kind: 's3',
        bucket: 'my-bucket',
        prefix: 'team/db',
        endpoint: 'http://127.0.0.1:9000',
        pathStyle: true,
      },
    );
    assert.deepEqual(parseDestination('s3://my-bucket'), { kind: 's3', bucket: 'my-bucket', prefix: '' });
    assert.deepEqual(parseDestination('backups/usb'), { kind: 'folder', path: resolve('backups/usb') });
  });

  it('names destinations and locations as the user writes them', () => {
    const d = parseDestination('s3://b-1/p/q');
    assert.equal(describeDestination(d), 's3://b-1/p/q');
    assert.equal(locationOf(d, 'x.dump'), 's3://b-1/p/q/x.dump');
    assert.equal(locationOf(parseDestination('s3://b-1'), 'x.dump'), 's3://b-1/x.dump');
    assert.deepEqual(parseRemoteLocation('s3://b-1/p/x.dump'), {
      destination: { kind: 's3', bucket: 'b-1', prefix: 'p' },
      name: 'x.dump',
    });
    assert.deepEqual(parseRemoteLocation('s3://b-1/x.dump').destination, { kind: 's3', bucket: 'b-1', prefix: '' });
    assert.equal(parseRemoteLocation('/mnt/usb/shop.dump').name, 'shop.dump');
  });

  it('refuses a bad bucket, an endpoint that is no http(s) URL or carries credentials, a bucket without a name', () => {
    assert.throws(
      () => parseDestination('s3://No_Such/x'),
      usage(/"No_Such" in s3:\/\/No_Such\/x is not a bucket name/),
    );
    assert.throws(() => parseDestination('s3:///x'), usage(/is not a bucket name/));
    assert.throws(() => parseDestination('s3://b-1', { endpoint: 'not a url' }), usage(/is not a URL/));
    assert.throws(() => parseDestination('s3://b-1', { endpoint: 'ftp://h' }), usage(/must start with http/));
    assert.throws(
      () => parseDestination('s3://b-1', { endpoint: 'https://AKIA:secret@h' }),
      usage(/must not contain credentials/),
    );
    assert.throws(() => parseRemoteLocation('s3://b-1'), usage(/names a bucket, not a backup/));
    assert.throws(() => parseDestination(''), usage(/empty/));
  });

  it('maps S3 failures to kinds, one line each, with no secret in the message', () => {
    const d = { kind: 's3' as const, bucket: 'b-1', prefix: '', endpoint: 'http://h:1' };
    const auth = s3Failure({ name: 'InvalidAccessKeyId', $metadata: { httpStatusCode: 403 } }, 'list s3://b-1', d);
    assert.equal(auth.kind, 'auth');
    assert.equal(auth.message, 'Cannot list s3://b-1: the store refused the credentials (InvalidAccessKeyId).');
    assert.equal(s3Failure({ name: 'Unknown', $metadata: { httpStatusCode: 403 } }, 'x', d).kind, 'auth');
    const down = s3Failure({ name: 'Error', code: 'ECONNREFUSED' }, 'list s3://b-1', d);
    assert.equal(down.kind, 'unreachable');
    assert.equal(down.message, 'Cannot list s3://b-1: http://h:1 does not answer (ECONNREFUSED).');
    assert.equal(s3Failure({ name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } }, 'x', d).kind, 'input');
    assert.equal(
      s3Failure({ name: 'CredentialsProviderError', message: 'Could not load credentials from any providers' }, 'x', d)
        .kind,
      'auth',
    );
    assert.equal(s3Failure({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, 'x', d).kind, 'ssl');
    assert.equal(s3Failure({ name: 'AbortError' }, 'list s3://b-1', d).kind, 'cancelled');
    for (const e of [auth, down]) assert.ok(!e.message.includes('\n'));
  });
});
