import * as assert from 'node:assert/strict';
import { disambiguate, foldPath, MAX_STEM_BYTES, safeSegment } from '../../src/core/schema/file-names';

describe('schema file names', () => {
  it('keeps plain, mixed-case and non-ASCII names readable', () => {
    assert.equal(safeSegment('users'), 'users');
    assert.equal(safeSegment('OrderItems'), 'OrderItems');
    assert.equal(safeSegment('crème brûlée'), 'crème brûlée');
    assert.equal(safeSegment('заказы'), 'заказы');
    assert.equal(safeSegment('add(integer,text)'), 'add(integer,text)');
    assert.equal(safeSegment('users.users_pkey'), 'users.users_pkey');
  });

  it('percent-encodes quotes, slashes and characters Windows forbids', () => {
    assert.equal(safeSegment('we"ird/name'), 'we%22ird%2Fname');
    assert.equal(safeSegment('a\\b:c*d?e<f>g|h'), 'a%5Cb%3Ac%2Ad%3Fe%3Cf%3Eg%7Ch');
    assert.equal(safeSegment("o'brien"), 'o%27brien');
    assert.equal(safeSegment('100%~x'), '100%25%7Ex');
    assert.equal(safeSegment('tab\there'), 'tab%09here');
    assert.equal(safeSegment('🐘'), '%F0%9F%90%98');
  });

  it('escapes reserved Windows names, leading dots, dashes and trailing spaces', () => {
    assert.equal(safeSegment('con'), '%63on');
    assert.equal(safeSegment('NUL.backup'), '%4EUL.backup');
    assert.equal(safeSegment('com1'), '%63om1');
    assert.equal(safeSegment('console'), 'console');
    assert.equal(safeSegment('.hidden'), '%2Ehidden');
    assert.equal(safeSegment('-rf'), '%2Drf');
    assert.equal(safeSegment('trailing. '), 'trailing.%20');
    assert.equal(safeSegment('trailing.'), 'trailing%2E');
    assert.equal(safeSegment('con.users'), '%63on.users');
    assert.equal(safeSegment('_index', '_'), '%5Findex');
    assert.equal(safeSegment('_index'), '_index');
  });

  it('cuts very long names and adds a hash of the whole name, so two long names never meet', () => {
    const a = safeSegment('x'.repeat(300) + 'a');
    const b = safeSegment('x'.repeat(300) + 'b');
    assert.ok(Buffer.byteLength(a) <= MAX_STEM_BYTES && Buffer.byteLength(b) <= MAX_STEM_BYTES);
    assert.notEqual(a, b);
    assert.match(a, /^x+~[0-9a-f]{8}$/);
    const long = safeSegment('é'.repeat(80));
    assert.ok(Buffer.byteLength(long) <= MAX_STEM_BYTES);
    assert.equal(safeSegment('"'.repeat(60)).includes('%2'), true);
    assert.doesNotMatch(safeSegment('"'.repeat(60)), /%[0-9A-F]?~/);
  });

  it('folds case and Unicode normalization like macOS and Windows file systems', () => {
    assert.equal(foldPath('Users.sql'), foldPath('users.sql'));
    assert.equal(foldPath('cre\u0300me'), foldPath('crème'));
  });

  it('gives names that differ only in case a stable suffix; the lower-case one keeps its name', () => {
    const given = ['users', 'Users', 'orders'];
    const names = disambiguate(given, (i) => given[i], '.sql');
    assert.equal(names[0], 'users.sql');
    assert.equal(names[2], 'orders.sql');
    assert.match(names[1], /^Users~[0-9a-f]{8}\.sql$/);
    const again = disambiguate(['Users', 'users'], (i) => ['Users', 'users'][i], '.sql');
    assert.equal(again[0], names[1], 'the suffix does not depend on order');
    const folded = new Set(names.map(foldPath));
    assert.equal(folded.size, 3);
  });

  it('suffixes every member of a clash with no lower-case name, and NFC/NFD twins', () => {
    const names = disambiguate(['Users', 'USERS', 'cre\u0300me', 'crème'], (i) => 'ABCD'[i]);
    assert.match(names[0], /^Users~/);
    assert.match(names[1], /^USERS~/);
    assert.match(names[2], /~/);
    assert.equal(names[3], 'crème');
    assert.equal(new Set(names.map(foldPath)).size, 4);
  });

  it('asks for the identity only of names that clash', () => {
    const asked: number[] = [];
    const names = disambiguate(['Users', 'orders', 'USERS'], (i) => (asked.push(i), `id${i}`));
    assert.deepEqual(asked.sort(), [0, 2]);
    assert.equal(names[1], 'orders');
  });
});
