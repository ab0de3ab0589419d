/** Masks passwords in anything that might reach a log: URIs (`user:secret@`), conninfo `password=`, env dumps. */
export function maskSecrets(text: string): string {
  return text
    .replace(/(postgres(?:ql)?:\/\/[^:/@\s]*:)([^@\s]*)@/gi, '$1***@')
    .replace(/\b(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)/gi, '$1***')
    .replace(/\b(PGPASSWORD=)\S+/g, '$1***');
}
