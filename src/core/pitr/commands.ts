/**
 * restore_command and archive_command for each archive source, quoted for the shell, with %f/%p left for the
 * server to fill in. Pure.
 */
import type { ArchiveSource } from './model';
import { joinPath, percentLiteral, shQuote, shWord } from './quote';

/** `--config=FILE --stanza=S`, quoted for the shell (the config only when not the default). */
function pgbackrestOptions(s: { stanza: string; config?: string }): string {
  const config = s.config ? `${shWord(`--config=${percentLiteral(s.config)}`)} ` : '';
  return `${config}--stanza=${shWord(percentLiteral(s.stanza))}`;
}

/** The shell command recovery runs to fetch one archived WAL file (%f) into %p. */
export function restoreCommand(s: ArchiveSource): string {
  switch (s.kind) {
    case 'cp':
      return `cp ${shQuote(joinPath(percentLiteral(s.dir), '%f'))} ${shQuote('%p')}`;
    case 'rsync':
      return `rsync -a -e ssh ${shQuote(`${percentLiteral(s.host)}:${joinPath(percentLiteral(s.dir), '%f')}`)} ${shQuote('%p')}`;
    case 'walg':
      return 'wal-g wal-fetch %f %p';
    case 'pgbackrest':
      return `pgbackrest ${pgbackrestOptions(s)} archive-get %f "%p"`;
    case 'barman':
      return `barman-wal-restore ${shWord(percentLiteral(s.host))} ${shWord(percentLiteral(s.server))} %f %p`;
  }
}

/**
 * The shell command the server runs to archive one finished WAL file. The local and rsync variants never
 * overwrite a file already in the archive: a second cluster archiving into the same folder must fail, not
 * silently replace another timeline's history.
 */
export function archiveCommand(s: ArchiveSource): string {
  switch (s.kind) {
    case 'cp': {
      const dest = shQuote(joinPath(percentLiteral(s.dir), '%f'));
      return `test ! -f ${dest} && cp ${shQuote('%p')} ${dest}`;
    }
    case 'rsync':
      return `rsync -a --ignore-existing ${shQuote('%p')} ${shQuote(`${percentLiteral(s.host)}:${joinPath(percentLiteral(s.dir), '%f')}`)}`;
    case 'walg':
      return 'wal-g wal-push %p';
    case 'pgbackrest':
      return `pgbackrest ${pgbackrestOptions(s)} archive-push %p`;
    case 'barman':
      return `barman-wal-archive ${shWord(percentLiteral(s.host))} ${shWord(percentLiteral(s.server))} %p`;
  }
}
