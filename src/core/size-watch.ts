/**
 * Polls how many bytes a file or folder being written holds (sizeOnDisk), for progress where the tool itself
 * reports none: pg_dump's output, the data folder Barman's pg_basebackup writes. A slow walk of a big folder
 * never piles up, and nothing is reported once stopped.
 */
import { sizeOnDisk } from './dump/checksum';

export interface SizeWatch {
  stop(): void;
}

export function watchSize(path: string, everyMs: number, onBytes: (bytes: number) => void): SizeWatch {
  let polling = false;
  let stopped = false;
  const timer = setInterval(() => {
    if (polling) return;
    polling = true;
    void sizeOnDisk(path)
      .then((bytes) => {
        if (!stopped) onBytes(bytes);
      })
      .finally(() => (polling = false));
  }, everyMs);
  return {
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
