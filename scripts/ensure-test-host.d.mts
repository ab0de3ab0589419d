export interface HostPaths {
  dir: string;
  marker: string;
  nodeDir: string;
  nodeBinDir: string;
  node: string;
  codeServerDir: string;
  codeServerEntry: string;
  chromium: string;
}
export const NODE_SPEC: string;
export const CODE_SERVER_VERSION: string;
export const CHROMIUM: string;
export function hostPaths(dir?: string): HostPaths;
export function node24Env(
  paths: Pick<HostPaths, 'nodeBinDir' | 'nodeDir'>,
  base?: NodeJS.ProcessEnv,
): Record<string, string>;
export function isReady(paths?: HostPaths): boolean;
export function ensureTestHost(paths?: HostPaths): HostPaths;
export function makeFolder(folder: string): void;
