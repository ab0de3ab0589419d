/**
 * An S3 destination (bucket + prefix). Uploads: one PUT with the file's SHA-256 when it fits in a part, else a
 * parallel multipart upload (lib-storage) with a SHA-256 per part. Either way the store is asked to check what it
 * got; whether it did is what it answers (S3 returns the checksum it verified, a store that ignores checksums
 * returns none). A cancelled or failed upload is aborted and what is left of it under the key is aborted too.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { CancelledError } from '../errors';
import { describeDestination, keyUnder } from './destination';
import { hashingStream } from './remote-backup';
import { createS3Client, loadSdk, s3Failure, type S3Access, type Sdk } from './s3-client';
import type { OffsiteStore, PutOptions, PutResult, StoredObject } from './store';
import type { DestinationSpec } from './types';

type S3Spec = Extract<DestinationSpec, { kind: 's3' }>;
type Client = InstanceType<Sdk['S3Client']>;

/** 16 MiB parts, 4 at once: lib-storage's 5 MiB makes 200 requests a GB; more parts at once gain nothing on 2 cores. */
export const DEFAULT_PART_SIZE = 16 << 20;
export const DEFAULT_CONCURRENCY = 4;

const hexToBase64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

export async function openS3Store(spec: S3Spec, access: S3Access): Promise<S3Store> {
  return new S3Store(spec, await createS3Client(spec, access), await loadSdk());
}

export class S3Store implements OffsiteStore {
  readonly destination: string;
  constructor(
    readonly spec: S3Spec,
    readonly client: Client,
    private readonly sdk: Sdk,
  ) {
    this.destination = describeDestination(spec);
  }

  private key(name: string): string {
    return keyUnder(this.spec, name);
  }

  locationOf(key: string): string {
    return `s3://${this.spec.bucket}/${this.key(key)}`;
  }

  private fail(e: unknown, what: string, signal?: AbortSignal) {
    return s3Failure(e, what, this.spec, signal);
  }

  /** Every page of a listing (ListObjectsV2 answers 1,000 keys at a time). */
  private async *pages(prefix: string, delimiter: string | undefined, signal?: AbortSignal) {
    let token: string | undefined;
    do {
      const page = await this.client
        .send(
          new this.sdk.ListObjectsV2Command({
            Bucket: this.spec.bucket,
            Prefix: prefix,
            ...(delimiter ? { Delimiter: delimiter } : {}),
            ...(token ? { ContinuationToken: token } : {}),
          }),
          { abortSignal: signal },
        )
        .catch((e: unknown) => {
          throw this.fail(e, `list ${this.destination}`, signal);
        });
      yield page;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  private relative(key: string): string {
    return this.spec.prefix ? key.slice(this.spec.prefix.length + 1) : key;
  }

  async listTop(signal?: AbortSignal): Promise<{ files: StoredObject[]; folders: string[] }> {
    const prefix = this.spec.prefix ? `${this.spec.prefix}/` : '';
    const files: StoredObject[] = [];
    const folders: string[] = [];
    for await (const page of this.pages(prefix, '/', signal)) {
      for (const o of page.Contents ?? [])
        if (o.Key && o.Key !== prefix)
          files.push({
            key: this.relative(o.Key),
            size: o.Size ?? 0,
            modified: o.LastModified ?? new Date(0),
            ...(o.ETag ? { etag: o.ETag } : {}),
          });
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix) folders.push(this.relative(p.Prefix).replace(/\/$/, ''));
    }
    return { files, folders };
  }

  async listUnder(folder: string, signal?: AbortSignal): Promise<StoredObject[]> {
    const out: StoredObject[] = [];
    for await (const page of this.pages(`${this.key(folder)}/`, undefined, signal))
      for (const o of page.Contents ?? [])
        if (o.Key) out.push({ key: this.relative(o.Key), size: o.Size ?? 0, modified: o.LastModified ?? new Date(0) });
    return out;
  }

  async putFile(key: string, localPath: string, o: PutOptions = {}): Promise<PutResult> {
    const size = (await stat(localPath)).size;
    const partSize = Math.max(5 << 20, o.partSize ?? DEFAULT_PART_SIZE);
    const what = `upload ${this.locationOf(key)}`;
    if (o.signal?.aborted) throw new CancelledError('The upload');
    return size <= partSize
      ? this.putSingle(key, localPath, size, o, what)
      : this.putMultipart(key, localPath, partSize, o, what);
  }

  /** One PUT carrying the whole file's SHA-256 (when known): the store checks it against what it received. */
  private async putSingle(key: string, path: string, size: number, o: PutOptions, what: string): Promise<PutResult> {
    const source = createReadStream(path, { highWaterMark: 1 << 20 });
    const body = source.pipe(hashingStream(o.onBytes));
    source.on('error', (e) => body.destroy(e));
    try {
      const r = await this.client.send(
        new this.sdk.PutObjectCommand({
          Bucket: this.spec.bucket,
          Key: this.key(key),
          Body: body,
          ContentLength: size,
          ...(o.sha256 ? { ChecksumSHA256: hexToBase64(o.sha256) } : { ChecksumAlgorithm: 'SHA256' as const }),
        }),
        { abortSignal: o.signal },
      );
      return { storeChecked: !!r.ChecksumSHA256, sent: body.sha256() };
    } catch (e) {
      throw this.fail(e, what, o.signal);
    } finally {
      source.destroy();
    }
  }

  private async putMultipart(
    key: string,
    path: string,
    partSize: number,
    o: PutOptions,
    what: string,
  ): Promise<PutResult> {
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    o.signal?.addEventListener('abort', onAbort);
    // Hashed on the way to lib-storage's part buffers: one read of the file for both.
    const source = createReadStream(path, { highWaterMark: 1 << 20 });
    const body = source.pipe(hashingStream());
    source.on('error', (e) => body.destroy(e));
    const upload = new this.sdk.Upload({
      client: this.client,
      params: {
        Bucket: this.spec.bucket,
        Key: this.key(key),
        Body: body,
        ChecksumAlgorithm: 'SHA256',
      },
      partSize,
      queueSize: o.concurrency ?? DEFAULT_CONCURRENCY,
      abortController: controller,
    });
    upload.on('httpUploadProgress', (p) => p.loaded !== undefined && o.onBytes?.(p.loaded));
    try {
      const r = await upload.done();
      return { storeChecked: !!r.ChecksumSHA256, sent: body.sha256() };
    } catch (e) {
      controller.abort();
      await this.abortUploads(key);
      throw this.fail(e, what, o.signal);
    } finally {
      source.destroy();
      o.signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Aborts every unfinished multipart upload of `key`. lib-storage's own abort runs in the background after
   * done() has rejected (parts still in flight finish first), so this does it now, and once more a moment later
   * for an upload whose creation was in flight.
   */
  private async abortUploads(key: string): Promise<void> {
    for (const wait of [0, 500]) {
      if (wait) await new Promise((r) => setTimeout(r, wait));
      const pending = await this.pendingUploads(key).catch(() => []);
      await Promise.all(
        pending.map((u) =>
          this.client
            .send(
              new this.sdk.AbortMultipartUploadCommand({
                Bucket: this.spec.bucket,
                Key: this.key(key),
                UploadId: u.uploadId,
              }),
            )
            .catch(() => undefined),
        ),
      );
    }
  }

  async pendingUploads(key: string): Promise<{ key: string; uploadId: string }[]> {
    const full = this.key(key);
    const r = await this.client
      .send(new this.sdk.ListMultipartUploadsCommand({ Bucket: this.spec.bucket, Prefix: full }))
      .catch((e: unknown) => {
        throw this.fail(e, `list the unfinished uploads of ${this.locationOf(key)}`);
      });
    return (r.Uploads ?? [])
      .filter((u) => u.Key === full && u.UploadId)
      .map((u) => ({ key: this.relative(u.Key!), uploadId: u.UploadId! }));
  }

  async putText(key: string, text: string, signal?: AbortSignal): Promise<void> {
    const body = Buffer.from(text, 'utf8');
    const sha = (await import('node:crypto')).createHash('sha256').update(body).digest('base64');
    await this.client
      .send(
        new this.sdk.PutObjectCommand({
          Bucket: this.spec.bucket,
          Key: this.key(key),
          Body: body,
          ContentType: 'application/json',
          ChecksumSHA256: sha,
        }),
        { abortSignal: signal },
      )
      .catch((e: unknown) => {
        throw this.fail(e, `write ${this.locationOf(key)}`, signal);
      });
  }

  async getText(key: string, signal?: AbortSignal): Promise<string | undefined> {
    try {
      const r = await this.client.send(
        new this.sdk.GetObjectCommand({ Bucket: this.spec.bucket, Key: this.key(key) }),
        {
          abortSignal: signal,
        },
      );
      return await r.Body!.transformToString('utf8');
    } catch (e) {
      const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (err.name === 'NoSuchKey' || (err.$metadata?.httpStatusCode === 404 && err.name !== 'NoSuchBucket'))
        return undefined;
      throw this.fail(e, `read ${this.locationOf(key)}`, signal);
    }
  }

  async read(key: string, signal?: AbortSignal): Promise<Readable> {
    try {
      const r = await this.client.send(
        new this.sdk.GetObjectCommand({ Bucket: this.spec.bucket, Key: this.key(key) }),
        {
          abortSignal: signal,
        },
      );
      return r.Body as Readable;
    } catch (e) {
      throw this.fail(e, `read ${this.locationOf(key)}`, signal);
    }
  }

  async remove(keys: string[], signal?: AbortSignal): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      const r = await this.client
        .send(
          new this.sdk.DeleteObjectsCommand({
            Bucket: this.spec.bucket,
            Delete: { Objects: batch.map((k) => ({ Key: this.key(k) })), Quiet: true },
          }),
          { abortSignal: signal },
        )
        .catch((e: unknown) => {
          throw this.fail(e, `remove ${batch.length} object(s) from ${this.destination}`, signal);
        });
      const failed = r.Errors?.[0];
      if (failed)
        throw this.fail(
          { name: failed.Code, message: failed.Message },
          `remove ${this.locationOf(this.relative(failed.Key ?? ''))}`,
        );
    }
  }

  close(): void {
    this.client.destroy();
  }
}
