/**
 * Writes pg_dump archives byte for byte as pg_backup_archiver.c WriteHead/WriteToc (and the format's
 * WriteExtraToc) describe them, for the archive versions pg_dump 15 cannot make here (1.15 = PostgreSQL 16,
 * 1.16 = 17+) and for corrupt-input cases. Not a pg_dump replacement: data blocks are a fixed filler.
 */
import type { ArchiveFormat, CompressionMethod, TocEntry } from '../../src/core/archive/types';

export interface FixtureSpec {
  version: [number, number, number];
  format?: ArchiveFormat;
  intSize?: number;
  offSize?: number;
  /** 1.15+: the method byte; before: the gzip level. */
  compression?: CompressionMethod;
  level?: number;
  /** struct tm fields: [sec, min, hour, mday, mon (0-11), year-1900, isdst]. */
  tm?: number[];
  database?: string | null;
  serverVersion?: string | null;
  pgDumpVersion?: string | null;
  entries: Partial<TocEntry>[];
  /** Override the entry count written (to fake a truncated TOC). */
  count?: number;
}

const SECTION_CODE = { none: 1, 'pre-data': 2, data: 3, 'post-data': 4 } as const;
const FORMAT_CODE = { custom: 1, tar: 3, directory: 3 } as const; // toc.dat of a directory archive says tar
const COMPRESSION_CODE = { none: 0, gzip: 1, lz4: 2, zstd: 3 } as const;

class Out {
  parts: Buffer[] = [];
  constructor(readonly intSize: number) {}
  byte(b: number) {
    this.parts.push(Buffer.from([b & 0xff]));
  }
  int(i: number) {
    const b = Buffer.alloc(this.intSize + 1);
    b[0] = i < 0 ? 1 : 0;
    let v = Math.abs(i);
    for (let k = 1; k <= this.intSize; k++) {
      b[k] = v & 0xff;
      v = Math.floor(v / 256);
    }
    this.parts.push(b);
  }
  str(s: string | null | undefined) {
    if (s === null || s === undefined) return this.int(-1);
    const b = Buffer.from(s, 'utf8');
    this.int(b.length);
    this.parts.push(b);
  }
  raw(b: Buffer) {
    this.parts.push(b);
  }
  get length() {
    return this.parts.reduce((n, p) => n + p.length, 0);
  }
  buffer() {
    return Buffer.concat(this.parts);
  }
}

const num = (v: number[]) => (v[0] * 256 + v[1]) * 256 + v[2];

/** The header and TOC (what custom-format files start with, and what toc.dat holds in tar/directory). */
export function writeToc(spec: FixtureSpec): Buffer {
  const format = spec.format ?? 'custom';
  const o = new Out(spec.intSize ?? 4);
  const offSize = spec.offSize ?? 8;
  o.raw(Buffer.from('PGDMP'));
  spec.version.forEach((b) => o.byte(b));
  o.byte(o.intSize);
  o.byte(offSize);
  o.byte(FORMAT_CODE[format]);
  const v = num(spec.version);
  if (v >= num([1, 15, 0])) o.byte(COMPRESSION_CODE[spec.compression ?? 'none']);
  else o.int(spec.level ?? 0);
  (spec.tm ?? [5, 4, 3, 2, 0, 126, 0]).forEach((x) => o.int(x));
  o.str(spec.database === undefined ? 'db' : spec.database);
  o.str(spec.serverVersion === undefined ? '16.4' : spec.serverVersion);
  o.str(spec.pgDumpVersion === undefined ? '16.4' : spec.pgDumpVersion);
  o.int(spec.count ?? spec.entries.length);
  spec.entries.forEach((e, i) => {
    o.int(e.dumpId ?? i + 1);
    o.int(e.hadDumper ? 1 : 0);
    o.str(String(e.tableOid ?? 0));
    o.str(String(e.oid ?? 0));
    o.str(e.tag ?? `t${i}`);
    o.str(e.desc ?? 'TABLE');
    o.int(SECTION_CODE[e.section ?? 'pre-data']);
    o.str(e.defn === undefined ? `CREATE TABLE t${i} ();` : e.defn);
    o.str(e.dropStmt === undefined ? '' : e.dropStmt);
    o.str(e.copyStmt === undefined ? '' : e.copyStmt);
    o.str(e.namespace === undefined ? 'public' : e.namespace);
    o.str(e.tablespace === undefined ? '' : e.tablespace);
    if (v >= num([1, 14, 0])) o.str(e.tableam === undefined ? null : e.tableam);
    if (v >= num([1, 16, 0])) o.int(e.relkind ? e.relkind.charCodeAt(0) : 0);
    o.str(e.owner === undefined ? 'postgres' : e.owner);
    o.str('false');
    for (const d of e.dependencies ?? []) o.str(String(d));
    o.str(null);
    if (format === 'custom') {
      const state = e.dataState === 'set' ? 2 : e.dataState === 'no-data' ? 3 : 1;
      o.byte(state);
      let off = e.dataOffset ?? 0;
      for (let k = 0; k < offSize; k++) {
        o.byte(off & 0xff);
        off = Math.floor(off / 256);
      }
    } else {
      o.str(e.dataFile ?? '');
    }
  });
  return o.buffer();
}

/** A custom-format file: header, TOC, then `dataBytes` of filler standing in for the data blocks. */
export function writeCustom(spec: FixtureSpec, dataBytes = 4096): Buffer {
  return Buffer.concat([writeToc({ ...spec, format: 'custom' }), Buffer.alloc(dataBytes, 0xab)]);
}

function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 'utf8');
  h.write('0000600\0', 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  h.write(size.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
  h.write('00000000000\0', 136, 'latin1');
  h.write('        ', 148, 'latin1');
  h.write('0', 156, 'latin1');
  h.write('ustar\0' + '00', 257, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return h;
}

/** A tar archive with the given members in order (pg_dump puts toc.dat first). */
export function writeTar(members: [string, Buffer][]): Buffer {
  const parts: Buffer[] = [];
  for (const [name, body] of members) {
    parts.push(tarHeader(name, body.length), body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** A small schema's worth of entries with the kinds and dependencies the planner cares about. */
export function sampleEntries(): Partial<TocEntry>[] {
  return [
    { dumpId: 1, desc: 'SCHEMA', tag: 'app', namespace: null, defn: 'CREATE SCHEMA app;' },
    {
      dumpId: 2,
      desc: 'TABLE',
      tag: 'products',
      namespace: 'app',
      tableOid: 1259,
      oid: 16388,
      relkind: 'r',
      tableam: 'heap',
      dependencies: [1],
    },
    {
      dumpId: 3,
      desc: 'TABLE DATA',
      tag: 'products',
      namespace: 'app',
      hadDumper: true,
      section: 'data',
      defn: '',
      dependencies: [2],
      dataState: 'set',
      dataOffset: 777,
    },
    {
      dumpId: 4,
      desc: 'COMMENT',
      tag: 'TABLE products',
      namespace: 'app',
      section: 'none',
      defn: "COMMENT ON TABLE app.products IS 'x\ny';",
      dependencies: [2],
    },
  ];
}
