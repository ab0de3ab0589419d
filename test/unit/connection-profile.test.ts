import * as assert from 'node:assert/strict';
import { describeParams, parseConnectionString, parseConninfo, toConninfo } from '../../src/core/connection/profile';
import { resolveParams } from '../../src/core/connection/resolve';
import { parseServiceFile } from '../../src/core/connection/service-file';
import { PgBackupError } from '../../src/core/errors';
import { maskSecrets } from '../../src/core/process/mask';

describe('connection strings', () => {
  it('reads a libpq URI and keeps the password apart from the params', () => {
    const { params, password } = parseConnectionString(
      'postgresql://app:s3cr%40t@db.example.com:6543/shop?sslmode=require',
    );
    assert.deepEqual(params, { host: 'db.example.com', port: 6543, user: 'app', database: 'shop', sslmode: 'require' });
    assert.equal(password, 's3cr@t');
  });

  it('reads key=value conninfo with quoted values and escapes', () => {
    assert.deepEqual(parseConninfo(`host=/tmp/sock dbname='my db' password='it\\'s'`), {
      host: '/tmp/sock',
      dbname: 'my db',
      password: "it's",
    });
    const { params, password } = parseConnectionString("host=localhost port=5433 user=postgres dbname='my db'");
    assert.deepEqual(params, { host: 'localhost', port: 5433, user: 'postgres', database: 'my db' });
    assert.equal(password, undefined);
  });

  it('refuses a bad port, an unknown key and an invalid sslmode with a specific message', () => {
    assert.throws(
      () => parseConnectionString('host=x port=99999'),
      (e: PgBackupError) => e.kind === 'usage' && /Invalid port "99999"/.test(e.message),
    );
    assert.throws(() => parseConnectionString('host=x color=blue'), /Unsupported connection parameter "color"/);
    assert.throws(() => parseConnectionString('host=x sslmode=maybe'), /Invalid sslmode "maybe"/);
    assert.throws(() => parseConnectionString('just-a-name'), /neither a postgresql:\/\/ URI nor a key=value/);
  });

  it('builds a password-free conninfo that survives spaces and quotes', () => {
    const info = toConninfo({ host: '/tmp/my sock', port: 5432, user: "o'neil", database: 'shop' });
    assert.equal(info, `host='/tmp/my sock' port=5432 user='o\\'neil' dbname=shop`);
    assert.deepEqual(parseConninfo(info), { host: '/tmp/my sock', port: '5432', user: "o'neil", dbname: 'shop' });
    assert.ok(!/password/.test(toConninfo({ host: 'h' })));
  });

  it('describes a connection as user@host:port/db', () => {
    assert.equal(describeParams({ host: 'h', port: 1, user: 'u', database: 'd' }), 'u@h:1/d');
  });
});

describe('parameter resolution', () => {
  it('fills gaps from PG* variables, then libpq defaults', () => {
    const r = resolveParams({ database: 'x' }, { PGHOST: 'envhost', PGPORT: '6000', PGUSER: 'envuser' });
    assert.deepEqual(r, { host: 'envhost', port: 6000, user: 'envuser', database: 'x', sslmode: undefined });
    const d = resolveParams({ user: 'bob' }, {});
    assert.equal(d.port, 5432);
    assert.equal(d.database, 'bob');
  });

  it('reads pg_service.conf sections', () => {
    const s = parseServiceFile('# c\n[prod]\nhost=db1\nport = 5433\n\n[dev]\nhost=localhost\n');
    assert.deepEqual(s.prod, { host: 'db1', port: '5433' });
    assert.deepEqual(Object.keys(s), ['prod', 'dev']);
  });
});

describe('secret masking', () => {
  it('masks URI passwords, password= and PGPASSWORD=', () => {
    assert.equal(maskSecrets('pg_dump postgresql://u:hunter2@h/db'), 'pg_dump postgresql://u:***@h/db');
    assert.equal(maskSecrets("dbname=x password='a b' user=y"), 'dbname=x password=*** user=y');
    assert.equal(maskSecrets('PGPASSWORD=hunter2 psql'), 'PGPASSWORD=*** psql');
    assert.ok(!maskSecrets('postgresql://u:hunter2@h/db password=hunter2').includes('hunter2'));
  });
});
