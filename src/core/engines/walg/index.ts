/** WAL-G behind the BackupEngine interface, its environment file and its restore commands. */
export { walgEngine } from './engine';
export { parseWalgEnvFile, renderWalgEnvFile, walgEnv, walgFetchArgv, type WalgConfigOptions } from './config';
