/** The schema-in-git API used by the extension and the CLI. */
export { exportSchema, checkSchema, renderSchemaFiles, diffSchemaFiles } from './export';
export type { SchemaExportOptions, SchemaExportResult, SchemaCheckResult, FileDrift } from './export';
export { readLayoutFiles, layoutRoot } from './layout-files';
export type { SchemaLayout, FileChange, FileStatus } from './layout-files';
export type { SchemaContentOptions } from './normalize';
export type { SchemaSource } from './dump-schema';
export { INDEX_FILE } from './split-layout';
export { unifiedDiff } from './unified-diff';
