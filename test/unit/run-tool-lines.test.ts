/** runTool's line callbacks: every line reaches them, the last one too when the tool ends it without a newline. */
import assert from 'node:assert/strict';
import { runTool } from '../../src/core/process/run-tool';

describe('runTool lines', () => {
  it('hands on a last stdout line that has no newline (Barman prints its JSON so)', async () => {
    const lines: string[] = [];
    const r = await runTool({
      file: process.execPath,
      args: ['-e', 'process.stdout.write("first\\r\\nsecond\\n{\\"_ERROR\\": [\\"x\\"]}")'],
      onStdoutLine: (l) => lines.push(l),
    });
    assert.deepEqual(lines, ['first', 'second', '{"_ERROR": ["x"]}']);
    assert.equal(r.stdout, 'first\r\nsecond\n{"_ERROR": ["x"]}');
  });

  it('hands on the last line of a tool that fails', async () => {
    const lines: string[] = [];
    await assert.rejects(
      runTool({
        file: process.execPath,
        args: ['-e', 'process.stdout.write("{\\"_ERROR\\": [\\"Unknown server\\"]}"); process.exitCode = 1'],
        onStdoutLine: (l) => lines.push(l),
      }),
      /failed/,
    );
    assert.deepEqual(lines, ['{"_ERROR": ["Unknown server"]}']);
  });
});
