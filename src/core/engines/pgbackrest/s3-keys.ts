/**
 * How pgBackRest takes an S3 repository's keys: from its environment (never its config file, argv or a log), and
 * what it says when they are missing or refused. Pure, and imports nothing: the editor's activation bundle uses it.
 */
/** The variables by which pgBackRest takes S3 keys (and a session token). */
export const S3_KEY_ENV = {
  key: 'PGBACKREST_REPO1_S3_KEY',
  secret: 'PGBACKREST_REPO1_S3_KEY_SECRET',
  token: 'PGBACKREST_REPO1_S3_TOKEN',
} as const;

/**
 * What pgBackRest says when an S3 repository's keys are missing (`requires option: repo1-s3-key`) or refused (a
 * 403 from the store: an unknown key id, a signature made with the wrong secret).
 */
export const S3_KEYS_REFUSED =
  /\brepo1-s3-key(?:-secret)?\b|\b403\b.*Forbidden|InvalidAccessKeyId|SignatureDoesNotMatch|InvalidToken/;
export const S3_KEYS_HINT = `pgBackRest takes the repository's S3 keys from ${S3_KEY_ENV.key} and ${S3_KEY_ENV.secret}: give the right ones.`;

/** The engine environment that hands pgBackRest an S3 repository's keys (EngineRunOptions.env). */
export function s3KeyEnv(keys: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) {
  const env: Record<string, string> = { [S3_KEY_ENV.key]: keys.accessKeyId, [S3_KEY_ENV.secret]: keys.secretAccessKey };
  if (keys.sessionToken) env[S3_KEY_ENV.token] = keys.sessionToken;
  return env;
}
