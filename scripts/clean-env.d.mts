export function cleanEnv(base?: NodeJS.ProcessEnv, extra?: Record<string, string>): Record<string, string>;
