export type Need = 'postgresql' | 'chromium' | 'krb5' | 'pgbackrest' | 'barman';
export function missingPackages(needs: Need[], exists?: (file: string) => boolean): string[];
export function aptCommand(packages: string[]): string;
export function sudoAdvice(packages: string[]): string;
export function ensurePackages(needs: Need[], opts?: { isRoot?: boolean; log?: (line: string) => void }): void;
