/**
 * Reads a few small members (backup_label, PG_VERSION) out of a tar base backup (`base.tar`, `base.tar.gz`)
 * without extracting it: streams the archive and stops as soon as every wanted member was seen. The server
 * sends backup_label first, so this usually reads a few kilobytes.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { PgBackupError } from '../errors';

const BLOCK = 512;

function octal(buf: Buffer, start: number, len: number): number {
  const field = buf.subarray(start, start + len);
  // GNU base-256 for sizes >= 8 GB: high bit set in the first byte.
  if (field[0] & 0x80) return field.subarray(1).reduce((n, b) => n * 256 + b, field[0] & 0x7f);
  const text = field.toString('latin1').replace(/\0.*$/s, '').trim();
  return text ? parseInt(text, 8) : 0;
}

function cstring(buf: Buffer, start: number, len: number): string {
  return buf.subarray(start, start + len).toString('utf8').replace(/\0.*$/s, '');
}

const normalize = (name: string) => name.replace(/^\.\//, '');

/** Contents of the wanted members found in the tar file (gzip detected by the .gz suffix). */
export async function readTarMembers(file: string, wanted: readonly string[]): Promise<Map<string, Buffer>> {
  if (/\.(lz4|zst)$/.test(file)) {
    throw new PgBackupError(`Cannot read inside ${file}: only uncompressed and gzip tar backups are read directly.`, 'input');
  }
  const found = new Map<string, Buffer>();
  const want = new Set(wanted);
  const raw = createReadStream(file);
  const stream = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  let buf: Buffer = Buffer.alloc(0);
  // Parser state: waiting for a header, or inside a member body (skip or collect).
  let bodyLeft = 0;
  let padLeft = 0;
  let collecting: { name: string; parts: Buffer[] } | undefined;
  let longName: string | undefined;
  let collectingLongName = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        if (bodyLeft > 0) {
          const take = Math.min(bodyLeft, buf.length);
          if (collecting) collecting.parts.push(buf.subarray(0, take));
          bodyLeft -= take;
          buf = buf.subarray(take);
          if (bodyLeft > 0) break;
          if (collecting) {
            const content = Buffer.concat(collecting.parts);
            if (collectingLongName) longName = content.toString('utf8').replace(/\0.*$/s, '');
            else found.set(collecting.name, content);
            collecting = undefined;
            collectingLongName = false;
          }
          continue;
        }
        if (padLeft > 0) {
          const take = Math.min(padLeft, buf.length);
          padLeft -= take;
          buf = buf.subarray(take);
          if (padLeft > 0) break;
          continue;
        }
        if ([...want].every((w) => found.has(w))) return found;
        if (buf.length < BLOCK) break;
        const header = buf.subarray(0, BLOCK);
        buf = buf.subarray(BLOCK);
        if (header.every((b) => b === 0)) return found; // end-of-archive marker
        const size = octal(header, 124, 12);
        const type = String.fromCharCode(header[156] || 48);
        const prefix = header.subarray(257, 262).toString('latin1') === 'ustar' ? cstring(header, 345, 155) : '';
        const name = normalize(longName ?? (prefix ? `${prefix}/${cstring(header, 0, 100)}` : cstring(header, 0, 100)));
        if (type !== 'L') longName = undefined;
        bodyLeft = size;
        padLeft = (BLOCK - (size % BLOCK)) % BLOCK;
        if (type === 'L') {
          collecting = { name: '', parts: [] };
          collectingLongName = true;
        } else if ((type === '0' || type === '\0') && want.has(name)) {
          collecting = { name, parts: [] };
        }
        if (size === 0 && collecting) {
          bodyLeft = 0;
          if (collectingLongName) longName = '';
          else found.set(name, Buffer.alloc(0));
          collecting = undefined;
          collectingLongName = false;
        }
      }
    }
  } catch (e) {
    throw new PgBackupError(`Cannot read ${file}: ${(e as Error).message}`, 'input');
  } finally {
    raw.destroy();
  }
  return found;
}
