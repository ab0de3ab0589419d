/** The dump core's public surface, for the CLI and the extension. */
export * from './options';
export { dumpArgv, compressionArgs } from './argv';
export * from './presets';
export * from './naming';
export { dumpDatabase, type DumpRequest, type DumpResult } from './run';
export type { DumpProgress, DumpPhase } from './progress';
export { TablePermissionError } from './failure';
export { readSidecar, verifyChecksum, type DumpSidecar, type ChecksumReport } from './sidecar';
export type { BackupChecksum } from './checksum';
