import * as assert from 'node:assert/strict';
import { majorOfVersion, parseToolVersion, versionMajor, type ToolSet } from '../../src/core/tools/discover';
import { installAdvice, pickToolSet } from '../../src/core/tools/pick';
import { PgBackupError } from '../../src/core/errors';

const set = (major: number, version = `${major}.1`): ToolSet => ({
  major,
  version,
  dir: `/opt/pg${major}/bin`,
  tools: { pg_dump: `/opt/pg${major}/bin/pg_dump`, pg_restore: `/opt/pg${major}/bin/pg_restore` },
});

describe('client tool discovery', () => {
  it('parses tool versions, Debian suffixes and betas', () => {
    assert.equal(parseToolVersion('pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n'), '15.18');
    assert.equal(parseToolVersion('psql (PostgreSQL) 9.6.24'), '9.6.24');
    assert.equal(parseToolVersion('pg_dump (PostgreSQL) 18beta2'), '18beta2');
    assert.equal(parseToolVersion('garbage'), undefined);
    assert.equal(majorOfVersion('15.18'), 15);
    assert.equal(majorOfVersion('9.6.24'), 9.6);
    assert.equal(versionMajor('15.4 (Debian 15.4-1.pgdg120+1)'), 15);
    assert.equal(versionMajor('17devel'), 17);
    assert.equal(versionMajor('9.6.24'), 9.6);
    assert.equal(versionMajor('garbage'), undefined);
    assert.equal(versionMajor(undefined), undefined);
  });

  it('picks the lowest major that is >= the server', () => {
    assert.equal(pickToolSet([set(17), set(15), set(16)], 16, '16.4').major, 16);
    assert.equal(pickToolSet([set(17), set(15)], 14, '14.2').major, 15);
  });

  it('names the server version, the versions found and how to install when none fits', () => {
    assert.throws(
      () => pickToolSet([set(15, '15.18'), set(14, '14.9')], 17, '17.2'),
      (e: PgBackupError) =>
        e.kind === 'tool-version' &&
        /PostgreSQL 17\.2/.test(e.message) &&
        /15\.18, 14\.9/.test(e.message) &&
        /version 17 or newer/.test(e.message) &&
        /postgresql-client-17/.test(e.hint ?? ''),
    );
    assert.throws(
      () => pickToolSet([], 15, '15.1'),
      (e: PgBackupError) => e.kind === 'tool-missing' && /no pg_dump was found/.test(e.message),
    );
  });

  it('gives platform-specific install advice', () => {
    assert.match(installAdvice(17, 'darwin'), /brew install postgresql@17/);
    assert.match(installAdvice(17, 'win32'), /EDB installer/);
    assert.match(installAdvice(17, 'linux'), /apt install postgresql-client-17/);
  });
});
