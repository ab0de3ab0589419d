/**
 * The S3 client of a destination, and S3's failures in our words. Credentials come from the SDK's standard chain
 * (AWS_* variables, shared config and credentials files, profiles, SSO) unless keys are given (the extension's
 * SecretStorage); the endpoint from the destination, else AWS_ENDPOINT_URL(_S3), else AWS. The SDK is loaded on
 * first use.
 */
import { CancelledError, PgBackupError } from '../errors';
import type { DestinationSpec, S3Credentials } from './types';

export type Sdk = typeof import('./sdk');
type S3Spec = Extract<DestinationSpec, { kind: 's3' }>;

let sdk: Promise<Sdk> | undefined;
export function loadSdk(): Promise<Sdk> {
  // The SDK warns on stderr that a later version will need Node 22: a notice for us, not for our users.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return (sdk ??= import('./sdk'));
}

export interface S3Access {
  /** Explicit keys; absent: the SDK's default chain. */
  credentials?: S3Credentials;
  /** Attempts per request (the SDK's default is 3). */
  maxAttempts?: number;
}

/** The endpoint a client of `d` talks to, for messages ("AWS S3" when none is set). */
export function endpointOf(d: S3Spec, env: NodeJS.ProcessEnv = process.env): string {
  return d.endpoint ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL ?? 'AWS S3';
}

export async function createS3Client(d: S3Spec, access: S3Access = {}): Promise<InstanceType<Sdk['S3Client']>> {
  const { S3Client } = await loadSdk();
  const env = process.env;
  const endpoint = d.endpoint ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  // A custom endpoint (MinIO, R2, a local server) often has no region of its own; AWS needs the real one.
  const region = d.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? (endpoint ? 'us-east-1' : undefined);
  return new S3Client({
    ...(endpoint ? { endpoint } : {}),
    ...(region ? { region } : {}),
    ...(d.pathStyle ? { forcePathStyle: true } : {}),
    ...(d.profile ? { profile: d.profile } : {}),
    ...(access.credentials ? { credentials: access.credentials } : {}),
    ...(access.maxAttempts ? { maxAttempts: access.maxAttempts } : {}),
    // Checksums only where we ask for them (SHA-256): the default CRC32 on every request is work no one checks.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { connectionTimeout: 10_000 },
  });
}

const AUTH_CODES = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'AccessDenied',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'InvalidClientTokenId',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/;

interface SdkError {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
}

/**
 * An S3 failure as a PgBackupError: `what` is the action ("upload x to s3://b/p"). Wrong or missing credentials
 * are `auth`, a host that does not answer `unreachable`, a missing bucket or object `input`. The message never
 * holds a key: the SDK's words are kept only as detail, and they name no secret.
 */
export function s3Failure(e: unknown, what: string, d: S3Spec, signal?: AbortSignal): PgBackupError {
  if (e instanceof PgBackupError) return e;
  const err = (e ?? {}) as SdkError;
  if (signal?.aborted || err.name === 'AbortError') return new CancelledError(what[0].toUpperCase() + what.slice(1));
  const code = err.Code ?? err.name ?? '';
  const netCode = err.code ?? (err.cause as SdkError | undefined)?.code ?? '';
  const status = err.$metadata?.httpStatusCode;
  const detail = err.message && err.message !== 'UnknownError' ? err.message : undefined;
  const endpoint = endpointOf(d);
  if (NETWORK_CODES.has(netCode) || err.name === 'TimeoutError')
    return new PgBackupError(
      `Cannot ${what}: ${endpoint} does not answer (${netCode || 'timed out'}).`,
      'unreachable',
      {
        detail,
        hint: 'Check the endpoint (--endpoint, AWS_ENDPOINT_URL) and the network.',
      },
    );
  if (TLS_CODES.test(netCode))
    return new PgBackupError(`Cannot ${what}: ${endpoint}'s TLS certificate is not trusted (${netCode}).`, 'ssl', {
      detail,
      hint: 'Give its CA certificate in NODE_EXTRA_CA_CERTS, or fix the certificate.',
    });
  if (err.name === 'CredentialsProviderError' || /Could not load credentials/i.test(err.message ?? ''))
    return new PgBackupError(`Cannot ${what}: no S3 credentials were found.`, 'auth', {
      detail,
      hint: 'Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE (shared config and credentials files).',
    });
  if (AUTH_CODES.has(code) || status === 403)
    return new PgBackupError(
      `Cannot ${what}: the store refused the credentials (${AUTH_CODES.has(code) ? code : 'access denied'}).`,
      'auth',
      { detail, hint: 'Check the access key and secret (AWS_* variables, the profile) and the bucket policy.' },
    );
  if (code === 'NoSuchBucket')
    return new PgBackupError(`Cannot ${what}: the bucket ${d.bucket} does not exist at ${endpoint}.`, 'input', {
      detail,
    });
  if (code === 'NoSuchKey' || code === 'NotFound' || status === 404)
    return new PgBackupError(`Cannot ${what}: it does not exist.`, 'input', { detail });
  if (/Region is missing/i.test(err.message ?? ''))
    return new PgBackupError(`Cannot ${what}: no region is set.`, 'usage', {
      hint: 'Give --region, or set AWS_REGION.',
    });
  return new PgBackupError(
    `Cannot ${what}: ${detail ?? code ?? 'the store failed'}${status ? ` (HTTP ${status})` : ''}.`,
    'io',
    {
      detail,
    },
  );
}
