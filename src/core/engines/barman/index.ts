/** Barman behind the BackupEngine interface, and the self-contained setup it can generate. */
export { barmanEngine } from './engine';
export { barmanSetup, type BarmanSetup, type BarmanSetupOptions } from './config';
export { applyBarmanSetup } from './setup';
