import type { Toc } from './toc';

/** What the native reader reports about a pg_dump archive (custom, tar or directory format). */
export type ArchiveFormat = 'custom' | 'tar' | 'directory';
export type CompressionMethod = 'none' | 'gzip' | 'lz4' | 'zstd';
export type TocSection = 'none' | 'pre-data' | 'data' | 'post-data';

export interface ArchiveVersion {
  major: number;
  minor: number;
  rev: number;
}

export interface TocEntry {
  dumpId: number;
  /** pg_dump had a data dumper for it: the entry carries data (TABLE DATA, BLOBS…). */
  hadDumper: boolean;
  /** pg_class oid of the catalog the object lives in (0 for entries without one). */
  tableOid: number;
  oid: number;
  /** The object's name ("products", "touch()", "products products_pkey"). */
  tag: string;
  /** The kind: TABLE, INDEX, TABLE DATA, SEQUENCE SET, FK CONSTRAINT, COMMENT, ACL… */
  desc: string;
  section: TocSection;
  defn: string | null;
  dropStmt: string | null;
  copyStmt: string | null;
  /** Schema, null for objects outside schemas. */
  namespace: string | null;
  tablespace: string | null;
  /** Table access method (archive 1.14+). */
  tableam: string | null;
  /** pg_class relkind as a letter (archive 1.16+), null before or for non-relations. */
  relkind: string | null;
  owner: string | null;
  /** Dump ids of the entries this one depends on. */
  dependencies: number[];
  /** Custom format: where the entry's data block is ('set' with an offset, 'not-set' when written to a pipe). */
  dataState: 'set' | 'not-set' | 'no-data' | null;
  dataOffset: number | null;
  /** Tar and directory formats: the member or file holding the entry's data. */
  dataFile: string | null;
}

export interface ArchiveInfo {
  path: string;
  format: ArchiveFormat;
  version: ArchiveVersion;
  intSize: number;
  offSize: number;
  /** Before archive 1.15 only a gzip level is stored (-1 = default, 0 = none); from 1.15 only the method. */
  compression: { method: CompressionMethod; level: number | null };
  /** Dump time as pg_dump's wall clock wrote it (no zone is stored), and as a Date in this machine's zone. */
  created: { local: string; date: Date };
  database: string | null;
  serverVersion: string | null;
  pgDumpVersion: string | null;
  /** The table of contents (`toc.entries()` for the entries as objects). */
  toc: Toc;
  /** Where the table of contents ends in the file holding it (custom format: the data blocks follow). */
  tocEnd: number;
  /** Bytes read to get the header and TOC (never the data blocks). */
  bytesRead: number;
}

export const versionText = (v: ArchiveVersion): string => `${v.major}.${v.minor}`;
