/**
 * Reads a few small members (backup_label, PG_VERSION) out of a tar base backup (`base.tar`, `base.tar.gz`)
 * without extracting it: streams the archive and stops as soon as every wanted member was seen. The server
 * sends backup_label first, so this usually reads a few kilobytes.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { PgBackupError } from '../errors';
import { isZeroBlock, TAR_BLOCK, tarBodySize, tarMemberName, tarString } from '../tar/header';

const normalize = (name: string) => name.replace(/^\.\//, '');

/** Contents of the wanted members found in the tar file (gzip detected by the .gz suffix). */
export async function readTarMembers(file: string, wanted: readonly string[]): Promise<Map<string, Buffer>> {
  if (/\.(lz4|zst)$/.test(file)) {
    throw new PgBackupError(
      `Cannot read inside ${file}: only uncompressed and gzip tar backups are read directly.`,
      'input',
    );
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
            if (collectingLongName) longName = tarString(content, 0, content.length);
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
        if (buf.length < TAR_BLOCK) break;
        const header = buf.subarray(0, TAR_BLOCK);
        buf = buf.subarray(TAR_BLOCK);
        if (isZeroBlock(header)) return found; // end-of-archive marker
        const { size, padding } = tarBodySize(header);
        const type = String.fromCharCode(header[156] || 48);
        const name = normalize(longName ?? tarMemberName(header));
        if (type !== 'L') longName = undefined;
        bodyLeft = size;
        padLeft = padding;
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
