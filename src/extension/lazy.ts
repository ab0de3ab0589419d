/**
 * Everything activation does not need: the commands and the webview panels. esbuild bundles this module on its own
 * (dist/lazy.js, see esbuild.mjs), so VS Code neither compiles nor evaluates it until a command runs or a panel is
 * restored; modules the activation bundle already holds (errors, trees, config…) are taken from it, not copied.
 */
export { addConnection } from './commands/add-connection';
export { compareSchema, compareSchemaUi } from './commands/compare-schema';
export { createBaseBackup, createBaseBackupUi } from './commands/create-base-backup';
export { deleteBackup } from './commands/delete-backup';
export { dumpDatabase, dumpDatabaseUi } from './commands/dump-database';
export { editConnection } from './commands/edit-connection';
export { exportSchema, exportSchemaUi } from './commands/export-schema';
export { inspectBackup } from './commands/inspect-backup';
export { openPitrBuilder } from './commands/open-pitr-builder';
export { refreshBackups } from './commands/refresh-backups';
export { refreshConnections } from './commands/refresh-connections';
export { removeConnection } from './commands/remove-connection';
export { addBackupRepository, addBackupRepositoryUi } from './commands/add-backup-repository';
export { repositoryBackup, repositoryBackupUi } from './commands/repository-backup';
export { repositoryExpire, repositoryExpireUi } from './commands/repository-expire';
export { repositoryVerify, repositoryVerifyUi } from './commands/repository-verify';
export { setRepositoryKeys, setRepositoryKeysUi } from './commands/set-repository-keys';
export { restoreBackup, restoreBackupUi } from './commands/restore-backup';
export { restoreSelected } from './commands/restore-selected';
export { copyBackupPath, revealBackup } from './commands/reveal-backup';
export { runRestoreDrill, runRestoreDrillUi } from './commands/run-restore-drill';
export { scheduleBackups, scheduleBackupsUi } from './commands/schedule-backups';
export { setPassword } from './commands/set-password';
export { setupWalArchiving, setupWalArchivingUi } from './commands/setup-wal-archiving';
export { showClientTools } from './commands/show-client-tools';
export { testConnection } from './commands/test-connection';
export { verifyChecksum } from './commands/verify-checksum';
export { addOffsiteDestination, addOffsiteDestinationUi } from './offsite/add-destination';
export { copyOffsite, copyOffsiteUi } from './offsite/copy-offsite';
export { withFetchedArgs, withFetchedBackup } from './offsite/fetched';
export { listDestination } from './offsite/list-destination';
export { pruneOffsite, pruneOffsiteUi } from './offsite/prune-offsite';
export { setOffsiteKeys, setOffsiteKeysUi } from './offsite/set-keys';
export { verifyOffsite, verifyOffsiteUi } from './offsite/verify-offsite';
export { readStatus } from '../core/status/read-status';
export { setTargets } from './status/set-targets';
export { showStatus } from './status/show-status';
export { PitrPanel } from './webview/pitr-panel';
export { engineFor } from '../core/engines';
export { revivePanel } from './webview/panel-host';
export { RestorePanel } from './webview/restore-panel';
