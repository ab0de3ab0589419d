/**
 * An S3 repository's keys, without an editor: the keychain record (one class for off-site and repository keys,
 * over a SecretStorage of our own), the engine environment the keys make, pgBackRest's words for missing or
 * refused keys (an error of kind auth, a status message a hint row follows), the masking of keys in what is shown
 * or logged, and the pgpass lines Barman's roles get.
 */
import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { pgpassLine } from '../../src/core/connection/child-env';
import { parseInfoJson } from '../../src/core/engines/pgbackrest/info-json';
import { engineError } from '../../src/core/engines/pgbackrest/run';
import { s3KeyEnv } from '../../src/core/engines/pgbackrest/s3-keys';
import type { RepoSpec } from '../../src/core/engines/types';
import { isS3Credentials, Keychain } from '../../src/extension/keychain';
import { OffsiteKeys } from '../../src/extension/offsite/keys';
import { keysProblem, maskKeyId, redactEnv, RepositoryKeys } from '../../src/extension/repository/keys';

/** SecretStorage's contract over a Map (the real one is the OS keychain, which a unit test has none of). */
function memoryStorage(): vscode.SecretStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    get: async (k: string) => map.get(k),
    store: async (k: string, v: string) => void map.set(k, v),
    delete: async (k: string) => void map.delete(k),
    keys: async () => [...map.keys()],
    onDidChange: (() => ({ dispose() {} })) as never,
  } as vscode.SecretStorage & { map: Map<string, string> };
}

const repo: RepoSpec = { engine: 'pgbackrest', name: 's3demo', config: '/etc/pgb/s3.conf' };
const keys = { accessKeyId: 'AKIAEXAMPLE1234', secretAccessKey: 'sEcReT/with+chars' };

describe('repository keys', () => {
  it('keeps them per connection and repository, apart from off-site keys under their old names', async () => {
    const storage = memoryStorage();
    const repoKeys = new RepositoryKeys(storage);
    await repoKeys.set(RepositoryKeys.id('prod', repo), keys);
    await new OffsiteKeys(storage).set('bucket', keys);
    assert.deepEqual(await repoKeys.get(RepositoryKeys.id('prod', repo)), keys);
    assert.equal(await repoKeys.get(RepositoryKeys.id('staging', repo)), undefined, 'another connection has none');
    assert.equal(
      await repoKeys.get(RepositoryKeys.id('prod', { ...repo, config: '/other.conf' })),
      undefined,
      'another config file is another repository',
    );
    assert.ok(storage.map.has('pgBackup.offsite.keys.bucket'), 'off-site keys keep the key they always had');
    assert.ok([...storage.map.keys()].some((k) => k.startsWith('pgBackup.repository.keys.')));
  });

  it('gives pgBackRest its environment, and none for an engine that takes no keys', async () => {
    const storage = memoryStorage();
    const repoKeys = new RepositoryKeys(storage);
    assert.equal(await repoKeys.env('prod', repo), undefined, 'no keys, no environment');
    await repoKeys.set(RepositoryKeys.id('prod', repo), keys);
    assert.deepEqual(await repoKeys.env('prod', repo), {
      PGBACKREST_REPO1_S3_KEY: keys.accessKeyId,
      PGBACKREST_REPO1_S3_KEY_SECRET: keys.secretAccessKey,
    });
    const barman: RepoSpec = { engine: 'barman', name: 'pg15' };
    await repoKeys.set(RepositoryKeys.id('prod', barman), keys);
    assert.equal(await repoKeys.env('prod', barman), undefined);
    assert.equal(s3KeyEnv({ ...keys, sessionToken: 'tok' }).PGBACKREST_REPO1_S3_TOKEN, 'tok');
  });

  it('reads a hand-edited or broken record as no keys', async () => {
    const storage = memoryStorage();
    const chain = new Keychain(storage, 'x', isS3Credentials);
    for (const bad of ['not json', '{"accessKeyId":"a"}', '{"accessKeyId":"","secretAccessKey":"b"}', 'null']) {
      storage.map.set('x.id', bad);
      assert.equal(await chain.get('id'), undefined, bad);
    }
    await chain.delete('id');
    assert.equal(storage.map.size, 0);
  });

  it("knows pgBackRest's words for missing and refused keys, and makes an auth error of them", () => {
    assert.ok(keysProblem(repo, 'info: info command requires option: repo1-s3-key'));
    assert.ok(keysProblem(repo, '[ProtocolError] HTTP request failed with 403 (Forbidden):'));
    assert.ok(!keysProblem(repo, 'missing stanza path'));
    assert.ok(!keysProblem({ engine: 'barman', name: 'x' }, 'requires option: repo1-s3-key'));
    const e = engineError('info', repo, ['P00  ERROR: [037]: info command requires option: repo1-s3-key'], 'exit 37');
    assert.equal(e.kind, 'auth');
    assert.match(e.hint ?? '', /PGBACKREST_REPO1_S3_KEY/);
    const stanza = engineError('info', repo, ['P00  ERROR: [037]: info command requires option: pg1-path'], 'x');
    assert.equal(stanza.kind, 'input', 'a stanza missing from the config is still a stanza problem');
  });

  it('shows the repository\'s own message when pgBackRest\'s status is only "other"', () => {
    const json = JSON.stringify([
      {
        name: 's3demo',
        status: { code: 99, message: 'other', lock: { backup: { held: false } } },
        repo: [
          { key: 1, status: { code: 99, message: '[ProtocolError] HTTP request failed with 403 (Forbidden):\nGET /' } },
        ],
        db: [],
        backup: [],
        archive: [],
      },
    ]);
    const info = parseInfoJson(json, repo, '2.45');
    assert.deepEqual(info.status, { ok: false, message: '[ProtocolError] HTTP request failed with 403 (Forbidden):' });
  });

  it('masks an access key id for messages and takes the secret out of logged lines', () => {
    assert.equal(maskKeyId('AKIAEXAMPLE1234'), 'AKIA…1234');
    assert.equal(maskKeyId('S3RVER'), 'S3…');
    const env = s3KeyEnv(keys);
    assert.equal(
      redactEnv(`P00 DETAIL: secret=${keys.secretAccessKey}; id ${keys.accessKeyId}`, env),
      `P00 DETAIL: secret=***; id ${keys.accessKeyId}`,
    );
    assert.equal(redactEnv('nothing to hide', undefined), 'nothing to hide');
  });

  it('writes pgpass lines with ":" and "\\" escaped', () => {
    assert.equal(pgpassLine('*', '*', '*', 'pgb_backup', 'a:b\\c'), '*:*:*:pgb_backup:a\\:b\\\\c\n');
    assert.equal(pgpassLine('db.example', 5433, 'postgres', 'u', 'p'), 'db.example:5433:postgres:u:p\n');
  });
});
