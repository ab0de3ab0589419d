import assert from 'node:assert/strict';
import { protectionOf, type Answer } from '../../src/core/offsite/protection';

const meta = { $metadata: {} };
const versioning = (Status?: 'Enabled' | 'Suspended'): Answer<never> =>
  ({ ok: true, output: { ...meta, ...(Status ? { Status } : {}) } }) as Answer<never>;
const lock = (config?: object): Answer<never> =>
  ({ ok: true, output: { ...meta, ...(config ? { ObjectLockConfiguration: config } : {}) } }) as Answer<never>;
/** An S3 error as the SDK throws it: its code in `name`, the HTTP status in $metadata. */
const refused = (name: string, message: string, httpStatusCode: number): Answer<never> => ({
  ok: false,
  error: Object.assign(new Error(message), { name, $metadata: { httpStatusCode } }),
});
const noLock = refused('ObjectLockConfigurationNotFoundError', 'Object Lock configuration does not exist', 404);

describe('bucket protection: the answers mapped', () => {
  it('neither on (a never-versioned bucket has no Status; no lock configuration is a 404): says what a deletion takes', () => {
    const p = protectionOf(versioning(), noLock);
    assert.equal(p.versioning, 'off');
    assert.equal(p.objectLock, 'off');
    assert.match(p.summary, /^Neither versioning nor Object Lock is on: deleting the bucket, deleting the account/);
    assert.match(p.summary, /takes every copy here with it/);
  });

  it('versioning on, suspended', () => {
    const on = protectionOf(versioning('Enabled'), noLock);
    assert.deepEqual([on.versioning, on.objectLock], ['enabled', 'off']);
    assert.match(on.summary, /^Versioning is on: .*can be undone\. Object Lock is off/);
    const suspended = protectionOf(versioning('Suspended'), noLock);
    assert.equal(suspended.versioning, 'suspended');
    assert.match(suspended.summary, /deletes from now on are final/);
  });

  it('Object Lock on, with its default retention in words', () => {
    const compliance = protectionOf(
      versioning('Enabled'),
      lock({ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } } }),
    );
    assert.equal(compliance.objectLock, 'on');
    assert.match(compliance.summary, /locked for 30 days in compliance mode/);
    assert.match(compliance.summary, /cannot be deleted/);
    const bare = protectionOf(versioning('Enabled'), lock({ ObjectLockEnabled: 'Enabled' }));
    assert.match(bare.summary, /only objects given a retention period are locked/);
  });

  it('a store that does not say is unknown, with its reason, and assumed unprotected', () => {
    const notImplemented = refused(
      'NotImplemented',
      'A parameter you provided implies functionality that is not implemented',
      501,
    );
    const p = protectionOf(notImplemented, notImplemented);
    assert.deepEqual([p.versioning, p.objectLock], ['unknown', 'unknown']);
    assert.match(p.summary, /did not say .*\(versioning: NotImplemented: A parameter/);
    assert.match(p.summary, /assuming neither, deleting the bucket/);
    const denied = protectionOf(refused('AccessDenied', 'Access Denied', 403), noLock);
    assert.deepEqual([denied.versioning, denied.objectLock], ['unknown', 'off']);
    assert.match(denied.summary, /versioning: AccessDenied: Access Denied\)/);
  });
});
