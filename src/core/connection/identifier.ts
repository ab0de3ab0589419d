/** An SQL identifier, double-quoted (embedded quotes doubled): case, dots and spaces stay literal. */
export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** `"schema"."name"`, each part quoted. */
export const qualifiedIdent = (...parts: string[]): string => parts.map(quoteIdent).join('.');
