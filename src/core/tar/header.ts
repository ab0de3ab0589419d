/**
 * The parts of a POSIX ustar header both tar readers need: pg_dump's tar archives (core/archive/tar-member.ts finds
 * toc.dat by walking headers) and tar base backups (core/physical/base-backup-tar.ts streams a few members out).
 */

/** Tar's block size: headers are one block, member bodies are padded to whole blocks. */
export const TAR_BLOCK = 512;

/** A numeric field: octal text, or (GNU, sizes of 8 GB and more) big-endian binary when the high bit is set. */
export function tarNumber(h: Buffer, start: number, length: number): number {
  const field = h.subarray(start, start + length);
  if (field[0] & 0x80) {
    let v = field[0] & 0x7f;
    for (let i = 1; i < field.length; i++) v = v * 256 + field[i];
    return v;
  }
  const text = field.toString('latin1').replace(/\0.*$/s, '').trim();
  return text ? Number.parseInt(text, 8) : 0;
}

/** A NUL-terminated text field. */
export function tarString(h: Buffer, start: number, length: number): string {
  return h.toString('utf8', start, start + length).replace(/\0.*$/s, '');
}

export const isUstar = (h: Buffer): boolean => h.toString('latin1', 257, 262) === 'ustar';

/** The member's path: ustar's prefix field joined to the name field. */
export function tarMemberName(h: Buffer): string {
  const prefix = isUstar(h) ? tarString(h, 345, 155) : '';
  const name = tarString(h, 0, 100);
  return prefix ? `${prefix}/${name}` : name;
}

/** A member's body size, and the padding that follows it up to the next header. */
export function tarBodySize(h: Buffer): { size: number; padding: number } {
  const size = tarNumber(h, 124, 12);
  return { size, padding: (TAR_BLOCK - (size % TAR_BLOCK)) % TAR_BLOCK };
}

/** The end-of-archive marker: a block of zeros. */
export const isZeroBlock = (h: Buffer): boolean => h.every((b) => b === 0);

/** pg_backup_tar.c isValidTarHeader: the checksum (with its own field read as spaces) and the ustar magic. */
export function isValidTarHeader(h: Buffer): boolean {
  if (h.length < TAR_BLOCK) return false;
  let sum = 0;
  for (let i = 0; i < TAR_BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
  return tarNumber(h, 148, 8) === sum && isUstar(h);
}
