/**
 * WAL positions (LSNs) as PostgreSQL prints them: two hex numbers `X/Y`, the high and low 32 bits. Pure.
 */

const LSN_RE = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/;

export function isLsn(text: string): boolean {
  return LSN_RE.test(text.trim());
}

/** `16/B374D848` → 0x16B374D848n; undefined when malformed. */
export function parseLsn(text: string): bigint | undefined {
  const m = LSN_RE.exec(text.trim());
  if (!m) return undefined;
  return (BigInt(`0x${m[1]}`) << 32n) | BigInt(`0x${m[2]}`);
}

export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}
