import { PgBackupError } from '../errors';
import type { ByteSource } from './byte-source';

const BLOCK = 512;

/** A tar number: octal text, or (GNU) big-endian binary when the first byte has its high bit set. */
function tarNumber(b: Buffer): number {
  if (b[0] & 0x80) {
    let v = b[0] & 0x7f;
    for (let i = 1; i < b.length; i++) v = v * 256 + b[i];
    return v;
  }
  const text = b.toString('latin1').replace(/\0.*$/s, '').trim();
  return text ? Number.parseInt(text, 8) : 0;
}

/** pg_backup_tar.c isValidTarHeader: the checksum (with its own field read as spaces) and the ustar magic. */
export function isValidTarHeader(h: Buffer): boolean {
  if (h.length < BLOCK) return false;
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
  return tarNumber(h.subarray(148, 156)) === sum && h.toString('latin1', 257, 262) === 'ustar';
}

function memberName(h: Buffer): string {
  const cstr = (from: number, to: number) => h.toString('utf8', from, to).replace(/\0.*$/s, '');
  const prefix = cstr(345, 500);
  const name = cstr(0, 100);
  return prefix ? `${prefix}/${name}` : name;
}

/**
 * Finds a member in a tar file by walking the headers only (pg_dump writes toc.dat first, so this is
 * usually one 512-byte read). Returns where its bytes start and how many there are.
 */
export async function findTarMember(src: ByteSource, wanted: string): Promise<{ start: number; size: number }> {
  let pos = 0;
  while (pos + BLOCK <= src.size) {
    const h = await src.read(pos, BLOCK);
    if (h.length < BLOCK) break;
    if (h.every((b) => b === 0)) break; // end-of-archive marker
    if (!isValidTarHeader(h)) throw new PgBackupError(`${src.name} is not a valid tar archive: the header at byte ${pos} is damaged.`, 'input');
    const size = tarNumber(h.subarray(124, 136));
    const start = pos + BLOCK;
    if (memberName(h) === wanted) {
      if (start + size > src.size) throw new PgBackupError(`${src.name} is truncated: its ${wanted} member is cut short.`, 'input');
      return { start, size };
    }
    pos = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  throw new PgBackupError(`${src.name} is a tar file without a ${wanted} member: it is not a pg_dump tar archive.`, 'input');
}
