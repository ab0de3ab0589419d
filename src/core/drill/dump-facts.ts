/**
 * What a drill needs to know about a dump before it starts: its format, the archive's TOC (custom, tar,
 * directory), and the versions and database it came from — from our sidecar when there is one, else from the
 * archive header or a plain dump's header comments. A missing, unreadable or garbage path is an 'input' error.
 */
import { open, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { detectArchiveFormat, type DetectedFormat } from '../archive/detect';
import { readCheckedArchive } from '../archive/read-archive';
import type { ArchiveInfo } from '../archive/types';
import { sidecarPath } from '../dump/naming';
import { parseSidecar, type DumpSidecar } from '../dump/sidecar';

export interface DumpFacts {
  path: string;
  name: string;
  format: DetectedFormat;
  archive?: ArchiveInfo;
  database?: string;
  serverVersion?: string;
  pgDumpVersion?: string;
  /** 'absent' without a sidecar file; 'unreadable' when it is there but not one of ours. */
  sidecar: DumpSidecar | 'absent' | 'unreadable';
}

const PLAIN_HEAD = 4096;

async function plainHead(path: string): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(PLAIN_HEAD);
    const { bytesRead } = await fh.read(buf, 0, PLAIN_HEAD, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}

/** The dump's sidecar: ours, 'absent', or 'unreadable' (there but not one of ours). */
export async function loadSidecar(path: string): Promise<DumpFacts['sidecar']> {
  const file = sidecarPath(path);
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return 'absent';
  try {
    return parseSidecar(text, file);
  } catch {
    return 'unreadable';
  }
}

export async function readDumpFacts(path: string): Promise<DumpFacts> {
  const format = await detectArchiveFormat(path);
  const sidecar = await loadSidecar(path);
  const facts: DumpFacts = { path, name: basename(path), format, sidecar };
  if (format === 'plain') {
    const head = await plainHead(path);
    facts.serverVersion = /^-- Dumped from database version (\S+)/m.exec(head)?.[1];
    facts.pgDumpVersion = /^-- Dumped by pg_dump version (\S+)/m.exec(head)?.[1];
  } else {
    facts.archive = await readCheckedArchive(path);
    facts.database = facts.archive.database ?? undefined;
    facts.serverVersion = facts.archive.serverVersion ?? undefined;
    facts.pgDumpVersion = facts.archive.pgDumpVersion ?? undefined;
  }
  if (typeof sidecar === 'object')
    Object.assign(facts, {
      database: sidecar.database,
      serverVersion: sidecar.serverVersion,
      pgDumpVersion: sidecar.pgDumpVersion,
    });
  return facts;
}
