/** Parses `pg_restore -l` output: the header facts and the entry lines. */
export function parsePgRestoreList(text: string): { header: Record<string, string>; created: string; lines: string[] } {
  const header: Record<string, string> = {};
  let created = '';
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^;\s+([A-Za-z_ ]+): (.*)$/.exec(line);
    if (m) header[m[1].trim()] = m[2];
    const c = /^; Archive created at (.*)$/.exec(line);
    if (c) created = c[1];
    if (/^\d+;/.test(line)) lines.push(line);
  }
  return { header, created, lines };
}
