/**
 * A bucket's own protection against deletion: versioning (GetBucketVersioning) and Object Lock
 * (GetObjectLockConfiguration), and in plain words what deleting the account or the bucket would take with it.
 * A store that cannot say (no permission, an S3-compatible server that does not implement the call) is "unknown",
 * and the summary then assumes neither is on.
 */
import type { GetBucketVersioningCommandOutput, GetObjectLockConfigurationCommandOutput } from '@aws-sdk/client-s3';
import { CancelledError, errorMessage, type PgBackupError } from '../errors';
import { createS3Client, loadSdk, s3Failure, type S3Access, type Sdk } from './s3-client';
import type { BucketProtection, DestinationSpec } from './types';

type S3Spec = Extract<DestinationSpec, { kind: 's3' }>;

/** What one of the two calls answered: its output, or the error it failed with. */
export type Answer<T> = { ok: true; output: T } | { ok: false; error: unknown };

/** S3's name for an error (the SDK's `name`, else its `Code`). */
const errorName = (e: unknown): string =>
  String((e as { name?: string; Code?: string })?.name ?? (e as { Code?: string })?.Code ?? '');

/** Why a call gave no answer, one short phrase ("NotImplemented", "AccessDenied: …"). */
function why(e: unknown): string {
  const name = errorName(e);
  const message = errorMessage(e);
  return name && !message.startsWith(name) ? `${name}: ${message}` : message || name || 'no answer';
}

function versioningOf(a: Answer<GetBucketVersioningCommandOutput>): BucketProtection['versioning'] {
  if (!a.ok) return 'unknown';
  // A bucket whose versioning was never turned on has no Status at all.
  return a.output.Status === 'Enabled' ? 'enabled' : a.output.Status === 'Suspended' ? 'suspended' : 'off';
}

function objectLockOf(a: Answer<GetObjectLockConfigurationCommandOutput>): BucketProtection['objectLock'] {
  if (!a.ok) return errorName(a.error) === 'ObjectLockConfigurationNotFoundError' ? 'off' : 'unknown';
  return a.output.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled' ? 'on' : 'off';
}

function lockRetention(a: Answer<GetObjectLockConfigurationCommandOutput>): string {
  const rule = a.ok ? a.output.ObjectLockConfiguration?.Rule?.DefaultRetention : undefined;
  if (!rule?.Mode) return 'only objects given a retention period are locked (the bucket sets no default)';
  const span = rule.Days ? `${rule.Days} days` : rule.Years ? `${rule.Years} years` : 'their retention period';
  return rule.Mode === 'COMPLIANCE'
    ? `new objects are locked for ${span} in compliance mode (no one, not even the account's root user, can delete them sooner)`
    : `new objects are locked for ${span} in governance mode (users with the bypass permission can still delete them)`;
}

/** The plain-words summary for the two states. */
function summaryOf(
  p: Pick<BucketProtection, 'versioning' | 'objectLock'>,
  lock: Answer<GetObjectLockConfigurationCommandOutput>,
  reasons: string[],
): string {
  const unprotected =
    'deleting the bucket, deleting the account, or anyone holding its keys takes every copy here with it, and ' +
    'nothing brings them back: keep another copy under another account, or turn on versioning or Object Lock.';
  if (p.objectLock === 'on') {
    return (
      `Object Lock is on: ${lockRetention(lock)}; a bucket holding locked objects cannot be deleted. ` +
      'Closing the account would still take them with it after the provider’s grace period.'
    );
  }
  if (p.versioning === 'enabled') {
    return (
      'Versioning is on: a deleted or overwritten copy keeps its earlier versions, so a mistaken prune or overwrite ' +
      'can be undone. Object Lock is ' +
      (p.objectLock === 'off' ? 'off' : 'unknown') +
      ': anyone who can delete versions, the bucket or the account still takes every copy with them.'
    );
  }
  if (p.versioning === 'suspended') {
    return `Versioning is suspended: versions kept before remain, but deletes from now on are final; ${unprotected}`;
  }
  if (p.versioning === 'unknown' || p.objectLock === 'unknown') {
    return `The store did not say whether versioning or Object Lock is on (${reasons.join('; ')}); assuming neither, ${unprotected}`;
  }
  return `Neither versioning nor Object Lock is on: ${unprotected}`;
}

/** The protection the two answers describe. Pure. */
export function protectionOf(
  versioning: Answer<GetBucketVersioningCommandOutput>,
  lock: Answer<GetObjectLockConfigurationCommandOutput>,
): BucketProtection {
  const p = { versioning: versioningOf(versioning), objectLock: objectLockOf(lock) };
  const reasons = [
    ...(versioning.ok ? [] : [`versioning: ${why(versioning.error)}`]),
    ...(p.objectLock === 'unknown' && !lock.ok ? [`Object Lock: ${why(lock.error)}`] : []),
  ];
  return { ...p, summary: summaryOf(p, lock, reasons) };
}

const answer = <T>(promise: Promise<T>): Promise<Answer<T>> =>
  promise.then(
    (output) => ({ ok: true as const, output }),
    (error: unknown) => ({ ok: false as const, error }),
  );

/**
 * A never-versioned bucket answers an empty <VersioningConfiguration/>, which the SDK parses to the same {} as any
 * 200 answer it cannot read: s3rver answers GET ?versioning with the bucket's listing. The raw body's root element
 * tells them apart (this runs next to the transport, before the SDK's parser; the body is handed on as bytes).
 */
function expectRoot(root: string) {
  return <A, O extends { response: unknown }>(next: (args: A) => Promise<O>) =>
    async (args: A): Promise<O> => {
      const out = await next(args);
      const res = out.response as { statusCode?: number; body?: AsyncIterable<Uint8Array> | Uint8Array };
      if (res.statusCode !== 200 || !res.body || res.body instanceof Uint8Array) return out;
      const chunks: Uint8Array[] = [];
      for await (const c of res.body) chunks.push(c);
      const body = Buffer.concat(chunks);
      res.body = body;
      const found = /<([A-Za-z][\w:.-]*)[\s/>]/.exec(body.toString('utf8').replace(/<\?[^>]*\?>/, ''))?.[1];
      if (found !== root) {
        throw Object.assign(new Error(`it answered with <${found ?? 'nothing'}>, not <${root}>`), {
          name: 'UnexpectedAnswer',
        });
      }
      return out;
    };
}

/** A call's failure that is not the bucket's answer: the store is unreachable, the keys are wrong, cancel. */
function failureOf(a: Answer<unknown>, spec: S3Spec, signal?: AbortSignal): PgBackupError | undefined {
  if (a.ok || REFUSALS.has(errorName(a.error))) return undefined;
  const f = s3Failure(a.error, `read the protection of bucket ${spec.bucket}`, spec, signal);
  return FATAL_KINDS.has(f.kind) ? f : undefined;
}

/** Refusals that mean "this store or these keys cannot say", not "the keys are wrong". */
const REFUSALS = new Set([
  'AccessDenied',
  'NotImplemented',
  'MethodNotAllowed',
  'ObjectLockConfigurationNotFoundError',
  'UnexpectedAnswer',
]);
const FATAL_KINDS = new Set(['unreachable', 'ssl', 'auth', 'cancelled']);

/**
 * Asks the bucket (both calls at once). A call the store refuses (no permission, not implemented) is an
 * "unknown"; an unreachable store, wrong credentials or a cancel throw (s3Failure's errors).
 */
export async function readBucketProtection(
  client: InstanceType<Sdk['S3Client']>,
  spec: S3Spec,
  signal?: AbortSignal,
): Promise<BucketProtection> {
  const { GetBucketVersioningCommand, GetObjectLockConfigurationCommand } = await loadSdk();
  const Bucket = spec.bucket;
  const versioningCall = new GetBucketVersioningCommand({ Bucket });
  versioningCall.middlewareStack.add(expectRoot('VersioningConfiguration'), {
    step: 'deserialize',
    priority: 'low',
    name: 'pgBackupExpectVersioningConfiguration',
  });
  const [versioning, lock] = await Promise.all([
    answer(client.send(versioningCall, { abortSignal: signal })),
    answer(client.send(new GetObjectLockConfigurationCommand({ Bucket }), { abortSignal: signal })),
  ]);
  if (signal?.aborted) throw new CancelledError('Reading the bucket’s protection');
  const failure = failureOf(versioning, spec, signal) ?? failureOf(lock, spec, signal);
  if (failure) throw failure;
  return protectionOf(versioning, lock);
}

/** The protection of an S3 destination's bucket, with its own client (closed after). */
export async function readDestinationProtection(
  spec: S3Spec,
  access: S3Access = {},
  signal?: AbortSignal,
): Promise<BucketProtection> {
  const client = await createS3Client(spec, access);
  try {
    return await readBucketProtection(client, spec, signal);
  } finally {
    client.destroy();
  }
}
