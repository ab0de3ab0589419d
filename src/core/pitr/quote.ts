/**
 * Quoting for the two languages a recovery config mixes: the GUC file syntax (postgresql.conf /
 * postgresql.auto.conf / recovery.conf) and the /bin/sh command the server runs for restore_command and
 * archive_command after replacing %f, %p and %% itself. Pure.
 */

/** A GUC string literal: backslashes are escapes in the config file lexer, quotes are doubled. */
export function gucString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** Always single-quoted for sh; an embedded ' becomes '\''. */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Quoted for sh only when it has to be (keeps common commands readable). */
export function shWord(value: string): string {
  return /^[\w@+=:,./-]+$/.test(value) ? value : shQuote(value);
}

/**
 * A literal path inside restore_command/archive_command: the server replaces %-escapes before the shell sees
 * the command, so a literal % must be written %%.
 */
export function percentLiteral(value: string): string {
  return value.replace(/%/g, '%%');
}

/** `dir` + `/` + `file` without doubling a trailing slash. */
export function joinPath(dir: string, file: string): string {
  return `${dir.replace(/\/+$/, '')}/${file}`;
}
