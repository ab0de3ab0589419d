import { PgBackupError } from '../errors';
import { isValidTarHeader, isZeroBlock, TAR_BLOCK, tarBodySize, tarMemberName } from '../tar/header';
import type { ByteSource } from './byte-source';

/**
 * Finds a member in a tar file by walking the headers only (pg_dump writes toc.dat first, so this is
 * usually one 512-byte read). Returns where its bytes start and how many there are.
 */
export async function findTarMember(src: ByteSource, wanted: string): Promise<{ start: number; size: number }> {
  let pos = 0;
  while (pos + TAR_BLOCK <= src.size) {
    const h = await src.read(pos, TAR_BLOCK);
    if (h.length < TAR_BLOCK || isZeroBlock(h)) break;
    if (!isValidTarHeader(h))
      throw new PgBackupError(`${src.name} is not a valid tar archive: the header at byte ${pos} is damaged.`, 'input');
    const { size, padding } = tarBodySize(h);
    const start = pos + TAR_BLOCK;
    if (tarMemberName(h) === wanted) {
      if (start + size > src.size)
        throw new PgBackupError(`${src.name} is truncated: its ${wanted} member is cut short.`, 'input');
      return { start, size };
    }
    pos = start + size + padding;
  }
  throw new PgBackupError(
    `${src.name} is a tar file without a ${wanted} member: it is not a pg_dump tar archive.`,
    'input',
  );
}
