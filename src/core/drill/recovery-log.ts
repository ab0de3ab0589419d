/**
 * Reading the throwaway server's log: whether recovery stopped at the target, when the last replayed
 * transaction committed, and why the server stopped. The drill sets lc_messages = 'C', so the English
 * messages below are what the server writes. Pure.
 */

const TAIL_LINES = 40;

const lines = (log: string) => log.split('\n').filter((l) => l.trim());

export function logTail(log: string, n = TAIL_LINES): string {
  return lines(log).slice(-n).join('\n');
}

/** "recovery stopping before commit of transaction 745, time …", "… at restore point …", "… after reaching consistency". */
export function stoppedAtTarget(log: string): boolean {
  return /recovery stopping (before|after|at) /.test(log);
}

export function shutDownAtTarget(log: string): boolean {
  return /shutdown at recovery target/.test(log);
}

/** PostgreSQL >= 13 stops with this FATAL when the WAL runs out before the target. */
export function endedBeforeTarget(log: string): boolean {
  return /recovery ended before configured recovery target was reached/.test(log);
}

/** The lines that tell how recovery ended: where it stopped, and what was fatal. */
export function outcomeLines(log: string): string[] {
  return lines(log).filter((l) =>
    /recovery stopping|last completed transaction|shutdown at recovery target|pausing at the end of recovery|FATAL|PANIC/.test(
      l,
    ),
  );
}

export function firstFatal(log: string): string | undefined {
  return lines(log)
    .find((l) => /\b(FATAL|PANIC):/.test(l))
    ?.replace(/^.*?\b(FATAL|PANIC):\s*/, '');
}

/** The commit time of the last transaction recovery replayed, as the server logged it. */
export function lastReplayedTime(log: string): string | undefined {
  const all = lines(log);
  for (let i = all.length - 1; i >= 0; i--) {
    const m = /(?:last completed transaction was at log time|recovery stopping .*, time) (\S+ \S+)/.exec(all[i]);
    if (m) return m[1];
  }
  return undefined;
}
