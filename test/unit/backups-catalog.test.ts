import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listBackups, scanBackups, SUBFOLDER_DEPTH } from '../../src/core/backups/catalog';
import { versionsText } from '../../src/core/backups/versions-text';

const FIXTURES = join(__dirname, '..', 'fixtures', 'archive');

describe('backups catalog', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pgb-catalog-'));
    copyFileSync(join(FIXTURES, 'pg15-custom-gzip.dump'), join(dir, 'shop-a.dump'));
    copyFileSync(join(FIXTURES, 'pg15-tar.tar'), join(dir, 'shop-b.tar'));
    writeFileSync(
      join(dir, 'shop-b.tar.pgbackup.json'),
      JSON.stringify({
        tool: 'pg-backup',
        format: 'tar',
        database: 'from-sidecar',
        serverVersion: '15.18',
        pgDumpVersion: '15.18',
        options: { format: 'tar' },
        started: '2030-01-01T00:00:00.000Z',
        durationMs: 5,
        bytes: 1,
        sha256: 'a'.repeat(64),
      }),
    );
    // A directory dump: toc.dat as pg_dump writes it (the tar fixture's first member is exactly that file).
    mkdirSync(join(dir, 'shop-c'));
    execFileSync('tar', ['-xf', join(FIXTURES, 'pg15-tar.tar'), '-C', join(dir, 'shop-c'), 'toc.dat']);
    writeFileSync(join(dir, 'shop-d.sql'), '--\n-- PostgreSQL database dump\n--\nSELECT 1;\n');
    utimesSync(join(dir, 'shop-d.sql'), new Date('2001-01-01'), new Date('2001-01-01'));
    mkdirSync(join(dir, 'base-1'));
    writeFileSync(join(dir, 'base-1', 'PG_VERSION'), '15\n');
    writeFileSync(
      join(dir, 'base-1', 'backup_label'),
      'START WAL LOCATION: 0/2000028 (file 000000010000000000000002)\nCHECKPOINT LOCATION: 0/2000060\nBACKUP METHOD: streamed\nBACKUP FROM: primary\nSTART TIME: 2020-01-01 10:00:00 UTC\nLABEL: nightly\nSTART TIMELINE: 1\n',
    );
    // Not backups: in-flight output, a stray note, a random binary, an empty folder.
    copyFileSync(join(FIXTURES, 'pg15-custom-gzip.dump'), join(dir, 'shop-e.dump.partial'));
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    writeFileSync(join(dir, 'random.dump'), Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]));
    mkdirSync(join(dir, 'empty'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lists dumps of every format and base backups, and nothing else', async () => {
    const list = await listBackups([dir, join(dir, 'missing-folder')]);
    assert.deepEqual(list.map((b) => b.name).sort(), ['base-1', 'shop-a.dump', 'shop-b.tar', 'shop-c', 'shop-d.sql']);
  });

  it('reads database and versions from archive headers, and prefers the sidecar when there is one', async () => {
    const by = Object.fromEntries((await listBackups([dir])).map((b) => [b.name, b]));
    assert.equal(by['shop-a.dump'].format, 'custom');
    assert.equal(by['shop-a.dump'].database, 'shopdb');
    assert.match(by['shop-a.dump'].pgDumpVersion ?? '', /^15\./);
    assert.equal(by['shop-a.dump'].checksum, 'none');
    assert.equal(by['shop-b.tar'].database, 'from-sidecar');
    assert.equal(by['shop-b.tar'].checksum, 'recorded');
    assert.equal(by['shop-c'].format, 'directory');
    assert.equal(by['shop-c'].database, 'shopdb');
    assert.equal(by['shop-d.sql'].format, 'plain');
    assert.equal(by['base-1'].kind, 'basebackup');
    assert.equal(by['base-1'].base?.label?.label, 'nightly');
  });

  it('sorts newest first by when the backup was taken', async () => {
    const names = (await listBackups([dir])).map((b) => b.name);
    assert.equal(names[0], 'shop-b.tar'); // its sidecar says 2030
    assert.equal(names.at(-1), 'shop-d.sql'); // a plain dump dates from its mtime, 2001
  });
});

describe('backups catalog: subfolders', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pgb-catalog-sub-'));
    // A scheduled job's folder, one a level deeper (server/database), and one too deep to be looked into.
    mkdirSync(join(dir, 'pg-backup-shop'));
    copyFileSync(join(FIXTURES, 'pg15-custom-gzip.dump'), join(dir, 'pg-backup-shop', 'shop-20300101-020000.dump'));
    writeFileSync(join(dir, 'pg-backup-shop', 'pg-backup-shop.sh'), '#!/usr/bin/env bash\n');
    mkdirSync(join(dir, 'prod', 'shop', 'tar'), { recursive: true });
    copyFileSync(join(FIXTURES, 'pg15-tar.tar'), join(dir, 'prod', 'shop', 'tar', 'deep.tar'));
    mkdirSync(join(dir, 'a', 'b', 'c', 'd'), { recursive: true });
    copyFileSync(join(FIXTURES, 'pg15-tar.tar'), join(dir, 'a', 'b', 'c', 'd', 'too-deep.tar'));
    // A directory dump in a subfolder is one backup, not a folder to look into; hidden folders are not looked into.
    mkdirSync(join(dir, 'pg-backup-shop', 'shop-dir'));
    const tocDir = join(dir, 'pg-backup-shop', 'shop-dir');
    execFileSync('tar', ['-xf', join(FIXTURES, 'pg15-tar.tar'), '-C', tocDir, 'toc.dat']);
    mkdirSync(join(dir, '.pgbackup'));
    copyFileSync(join(FIXTURES, 'pg15-tar.tar'), join(dir, '.pgbackup', 'hidden.tar'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`lists backups up to ${SUBFOLDER_DEPTH} folders down, each with the folder it is in`, async () => {
    const list = await listBackups([dir]);
    const found = Object.fromEntries(list.map((b) => [b.name, b.folder.slice(dir.length)]));
    assert.deepEqual(found, {
      'shop-20300101-020000.dump': '/pg-backup-shop',
      'shop-dir': '/pg-backup-shop',
      'deep.tar': '/prod/shop/tar',
    });
    assert.equal(list.find((b) => b.name === 'shop-dir')?.format, 'directory');
  });

  it('names the folders it looked into (to watch): not hidden ones, not backups, none too deep', async () => {
    const { folders } = await scanBackups([dir, join(dir, 'missing')]);
    const rel = folders.map((f) => f.slice(dir.length) || '/');
    assert.deepEqual(rel, ['/', '/a', '/a/b', '/a/b/c', '/pg-backup-shop', '/prod', '/prod/shop', '/prod/shop/tar']);
  });

  it('lists a backup once when one backup folder is inside another', async () => {
    const names = (await listBackups([dir, join(dir, 'pg-backup-shop')])).map((b) => b.name).sort();
    assert.deepEqual(names, ['deep.tar', 'shop-20300101-020000.dump', 'shop-dir']);
  });
});

describe('backup versions, as the Backups view shows them', () => {
  it("names the server major, and pg_dump's only when it differs", () => {
    assert.equal(versionsText({ serverVersion: '15.4 (Debian 15.4-1)', pgDumpVersion: '15.10' }), 'PG 15');
    assert.equal(versionsText({ serverVersion: '14.11', pgDumpVersion: '17.2' }), 'PG 14, pg_dump 17');
    assert.equal(versionsText({ serverVersion: '9.6.24', pgDumpVersion: '9.6.24' }), 'PG 9.6');
    assert.equal(versionsText({ pgDumpVersion: '16.1' }), 'pg_dump 16');
    assert.equal(versionsText({}), undefined);
  });
});
