import type { Toc } from '../archive/toc';
import { versionText, type ArchiveInfo } from '../archive/types';
import type { DumpSidecar } from '../dump/sidecar';
import { formatBytes } from '../format';
import type { BaseBackupInfo } from '../physical/base-backup-info';
import { checkableCount, tocCountsSentence } from './toc-counts';

const cell = (v: unknown) =>
  String(v ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');

function table(rows: [string, unknown][]): string {
  return [
    '| | |',
    '|---|---|',
    ...rows.filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => `| ${k} | ${cell(v)} |`),
  ].join('\n');
}

/** Counts of TOC entries by kind, most common first: "47 TABLE DATA, 12 INDEX…". */
export function countByKind(toc: Toc): [string, number][] {
  const m = new Map<string, number>();
  for (let i = 0; i < toc.count; i++) m.set(toc.desc(i), (m.get(toc.desc(i)) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** A readable summary of a dump archive: header facts, the sidecar's, and the table of contents. */
export function archiveReport(info: ArchiveInfo, sidecar?: DumpSidecar, sizeBytes?: number): string {
  const out = [
    `# ${info.path.split(/[\\/]/).pop()}`,
    '',
    table([
      ['Path', info.path],
      ['Format', `${info.format} (archive version ${versionText(info.version)})`],
      ['Database', info.database],
      [
        'Dumped at',
        sidecar ? new Date(sidecar.started).toLocaleString() : `${info.created.local} (its machine's time)`,
      ],
      ['Server version', info.serverVersion],
      ['pg_dump version', info.pgDumpVersion],
      [
        'Compression',
        info.compression.method === 'none'
          ? 'none'
          : `${info.compression.method}${info.compression.level !== null && info.compression.level >= 0 ? ` level ${info.compression.level}` : ''}`,
      ],
      ['Size', sizeBytes !== undefined ? formatBytes(sizeBytes) : undefined],
      ['Entries', `${info.toc.count} (${checkableCount(info.toc)} checkable objects, see below)`],
      [
        'sha256',
        sidecar
          ? typeof sidecar.sha256 === 'string'
            ? sidecar.sha256
            : `${Object.keys(sidecar.sha256.files).length} files recorded`
          : 'no sidecar: not recorded',
      ],
      ['Options', sidecar ? JSON.stringify(sidecar.options) : undefined],
      ['Took', sidecar ? `${(sidecar.durationMs / 1000).toFixed(1)} s` : undefined],
    ]),
    '',
    `## Contents`,
    '',
    tocCountsSentence(info.toc.count, checkableCount(info.toc)),
    '',
    countByKind(info.toc)
      .map(([k, n]) => `${n} ${k}`)
      .join(', '),
    '',
    '| id | kind | schema | name | owner | depends on |',
    '|---:|---|---|---|---|---|',
    ...info.toc
      .entries()
      .map(
        (e) =>
          `| ${e.dumpId} | ${cell(e.desc)} | ${cell(e.namespace ?? '')} | ${cell(e.tag)} | ${cell(e.owner ?? '')} | ${e.dependencies.join(', ')} |`,
      ),
  ];
  return out.join('\n') + '\n';
}

/** A readable summary of a base backup folder. */
export function baseBackupReport(b: BaseBackupInfo, sizeBytes?: number): string {
  const l = b.label;
  return (
    [
      `# Base backup ${b.dir.split(/[\\/]/).pop()}`,
      '',
      table([
        ['Path', b.dir],
        ['Format', b.format],
        ['PostgreSQL', b.pgVersion],
        ['Label', l?.label],
        ['Method', l?.method],
        ['Started', l?.startTime ? new Date(l.startTime).toLocaleString() : l?.startTimeText],
        ['Start WAL', l?.startLsn ? `${l.startLsn} (${l.startWalFile ?? '?'})` : undefined],
        ['Checkpoint', l?.checkpointLsn],
        ['Timeline', l?.startTimeline],
        [
          'Manifest',
          b.manifest
            ? `version ${b.manifest.version}, ${b.manifest.fileCount} files, ${formatBytes(b.manifest.totalBytes)}`
            : 'none',
        ],
        [
          'WAL needed',
          b.manifest?.walRanges.map((r) => `timeline ${r.timeline}: ${r.startLsn} → ${r.endLsn}`).join('; '),
        ],
        ['Size', sizeBytes !== undefined ? formatBytes(sizeBytes) : undefined],
      ]),
      '',
      ...b.notes.map((n) => `> ${n}`),
    ].join('\n') + '\n'
  );
}
