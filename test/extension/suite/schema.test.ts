/** Schema export in the real host: the command writes db/schema.sql into the workspace folder, deterministically. */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SchemaExportResult } from '../../../src/core/schema';

describe('schema export command', () => {
  const folder = () => vscode.workspace.workspaceFolders![0];

  it('writes the schema of sample into db/schema.sql in the workspace', async () => {
    const result = await vscode.commands.executeCommand<SchemaExportResult>('pgBackup.exportSchema', {
      connection: 'test',
      database: 'sample',
      folder: folder(),
    });
    assert.ok(result, 'the command returned no result');
    const text = readFileSync(join(folder().uri.fsPath, 'db', 'schema.sql'), 'utf8');
    assert.match(text, /CREATE TABLE/);
    assert.doesNotMatch(text, /^\\(un)?restrict /m, 'a \\restrict line survived');
  });

  it('finds no changes when exporting the unchanged database again', async () => {
    const result = await vscode.commands.executeCommand<SchemaExportResult>('pgBackup.exportSchema', {
      connection: 'test',
      database: 'sample',
      folder: folder(),
    });
    assert.equal(result?.changed, false);
  });
});
