/**
 * What every panel protocol (src/common/*-protocol.ts) shares: request ids and the validators' result. Each
 * message a panel sends carries an `id` it chose; everything the host sends while answering it (replies, progress,
 * the error) carries the same `id`, so the panel knows which of its requests an answer belongs to. Pure: no node,
 * no vscode, no DOM.
 */

/** A message with the id of the request it is, or answers. */
export type WithId<T> = T & { id: number };

/** A message without its id (distributes over a union of messages). */
export type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** The host's answer when a request failed or was malformed. */
export interface ErrorReply {
  type: 'error';
  id: number;
  message: string;
}

/** A validator's verdict: the message rebuilt from its declared fields only, or why it was refused. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

export const accept = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const refuse = <T = never>(reason: string): Parsed<T> => ({ ok: false, reason });

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The request id of a raw message, if it has a usable one (also read from messages refused otherwise). */
export function requestId(raw: unknown): number | undefined {
  return isObject(raw) && Number.isSafeInteger(raw.id) && (raw.id as number) > 0 ? (raw.id as number) : undefined;
}

/**
 * The panel's side: numbers each request (1, 2, 3…) before posting it and returns the number, which the host's
 * answers carry.
 */
export function requestSender<T extends { id: number }>(post: (m: T) => void): (m: WithoutId<T>) => number {
  let last = 0;
  return (m) => {
    const id = ++last;
    post({ ...m, id } as unknown as T);
    return id;
  };
}
