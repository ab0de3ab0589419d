import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

function* sourceFiles(dir: string): Generator<string> {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) yield* sourceFiles(p);
    else if (/\.[cm]?tsx?$/.test(n)) yield p;
  }
}

describe('core boundary', () => {
  it('src/core never imports vscode (it runs in the CLI and in tests too)', () => {
    const offenders = [...sourceFiles('src/core')].filter((f) =>
      /(from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\))/.test(
        readFileSync(f, 'utf8'),
      ),
    );
    assert.deepEqual(offenders, []);
  });

  it('src/cli never imports vscode or the extension', () => {
    const offenders = [...sourceFiles('src/cli')].filter((f) =>
      /from\s+['"](vscode|\.\.\/extension[^'"]*)['"]/.test(readFileSync(f, 'utf8')),
    );
    assert.deepEqual(offenders, []);
  });
});
