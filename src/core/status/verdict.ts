/**
 * One RPO or RTO measure against its target: green inside, amber from 80 % of it, red past it, never when there is
 * nothing to measure (no good backup, no successful drill), unset when no target is set. Pure.
 */
export type Verdict = 'green' | 'amber' | 'red' | 'never' | 'unset';

/** The share of a target from which a measure turns amber. */
export const AMBER_AT = 0.8;

export function verdictOf(valueMs: number | undefined, targetMs: number | undefined): Verdict {
  if (targetMs === undefined) return 'unset';
  if (valueMs === undefined) return 'never';
  if (valueMs > targetMs) return 'red';
  return valueMs >= AMBER_AT * targetMs ? 'amber' : 'green';
}

const RANK: Record<Verdict, number> = { unset: 0, green: 1, amber: 2, red: 3, never: 4 };

/** The worst of some verdicts (what a status bar item or a notification shows); unset when there are none. */
export function worstVerdict(verdicts: Iterable<Verdict>): Verdict {
  let worst: Verdict = 'unset';
  for (const v of verdicts) if (RANK[v] > RANK[worst]) worst = v;
  return worst;
}

/** Outside its target or never proven: what makes `pg-backup status` exit 1 and a view warn. */
export const isOutside = (v: Verdict): boolean => v === 'red' || v === 'never';
