import { existsSync } from 'node:fs';
import { detectArchiveFormat, PLAIN_DUMP_ADVICE } from '../../core/archive/detect';
import { isRestorable, listHeader, listLine } from '../../core/archive/list-file';
import { readCheckedArchive } from '../../core/archive/read-archive';
import { countByKind } from '../../core/backups/inspect-report';
import { sidecarPath } from '../../core/dump/naming';
import { readSidecar, type DumpSidecar } from '../../core/dump/sidecar';
import { errorMessage, PgBackupError } from '../../core/errors';
import { defineCommand, EXIT, type CliIo } from '../command';
import { has } from '../flags';
import { withBackupArg } from '../remote-backup-arg';
import { S3_FLAGS } from '../s3-flags';

/** The sidecar's facts when one sits next to the backup; a broken one is reported, not fatal. */
async function sidecarFacts(path: string, io: CliIo): Promise<DumpSidecar | undefined> {
  if (!existsSync(sidecarPath(path))) return undefined;
  return readSidecar(path).catch((e: unknown) => {
    io.err(`warning: ${errorMessage(e)}`);
    return undefined;
  });
}

function sidecarLines(path: string, s: DumpSidecar): string[] {
  const sha = typeof s.sha256 === 'string' ? s.sha256 : `${Object.keys(s.sha256.files).length} files recorded`;
  return [
    `; Sidecar ${sidecarPath(path)}:`,
    `;     started: ${s.started}, took ${(s.durationMs / 1000).toFixed(1)} s, ${s.bytes} bytes`,
    `;     sha256: ${sha}`,
    `;     options: ${JSON.stringify(s.options)}`,
  ];
}

/** Inspects a local backup (a fetched remote one included). */
async function inspectPath(path: string, json: boolean, io: CliIo): Promise<number> {
  const format = await detectArchiveFormat(path);
  const sidecar = await sidecarFacts(path, io);
  if (format === 'plain') {
    if (json) io.out(JSON.stringify({ path, format, advice: PLAIN_DUMP_ADVICE, sidecar }, null, 2));
    else
      io.out(
        [`${path}: a plain SQL dump.`, PLAIN_DUMP_ADVICE, ...(sidecar ? sidecarLines(path, sidecar) : [])].join('\n'),
      );
    return EXIT.ok;
  }
  const info = await readCheckedArchive(path);
  if (json) {
    const { toc, ...header } = info;
    io.out(JSON.stringify({ ...header, entries: toc.entries(), sidecar }, null, 2));
    return EXIT.ok;
  }
  const kinds = countByKind(info.toc).map(([k, n]) => `${n} ${k}`);
  io.out(
    [
      ...listHeader(info).slice(0, -4),
      `;     Contents: ${kinds.join(', ')}`,
      ...(sidecar ? sidecarLines(path, sidecar) : []),
      ...listHeader(info).slice(-4),
      ...info.toc
        .entries()
        .filter((e) => isRestorable(e))
        .map(listLine),
    ].join('\n'),
  );
  return EXIT.ok;
}

export const inspectCommand = defineCommand({
  name: 'inspect',
  args: '<file-or-dir-or-s3-url>',
  flags: { json: { help: 'print the header, the entries and the sidecar as JSON' }, ...S3_FLAGS },
  summary: "Show a dump's header (format, versions, compression, time) and table of contents, read natively.",
  async run(p, io) {
    if (p.positional.length !== 1) throw new PgBackupError('Name one backup file or directory to inspect.', 'usage');
    return withBackupArg(p.positional[0], p, io, (path) => inspectPath(path, has(p, 'json'), io));
  },
});
