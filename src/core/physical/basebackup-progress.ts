/**
 * pg_basebackup -P progress lines: `12345/67890 kB (18%), 0/1 tablespace` (with -v a path follows). The total
 * is an estimate taken at the start, so the done part may pass it: percent stays below 100 until the tool has
 * exited, so a bar never shows "100 %" while WAL is still being fetched.
 */

export interface BaseBackupProgress {
  doneKb: number;
  totalKb: number;
  /** 0 … 99 while running, 100 only once finished. */
  percent: number;
  tablespacesDone: number;
  tablespaces: number;
}

const PROGRESS_RE = /(\d+)\/(\d+) kB \(\d+%\), (\d+)\/(\d+) tablespaces?/;

export function parseBaseBackupProgress(line: string): BaseBackupProgress | undefined {
  const m = PROGRESS_RE.exec(line);
  if (!m) return undefined;
  const [doneKb, totalKb, tablespacesDone, tablespaces] = m.slice(1).map(Number);
  const percent = totalKb > 0 ? Math.min(99, Math.floor((doneKb * 100) / totalKb)) : 0;
  return { doneKb, totalKb, percent, tablespacesDone, tablespaces };
}
