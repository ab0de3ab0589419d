/**
 * Every command's usage line and `--help` are made from its declared flags (src/cli/flags.ts): no command types
 * a usage of its own, `--help` lists every flag, and the README's CLI block names only flags that exist.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliCommand, CliIo } from '../../src/cli/command';
import { allCommands, main } from '../../src/cli/main';
import { usageLine } from '../../src/cli/usage';

const COMMANDS_DIR = join(__dirname, '..', '..', 'src', 'cli', 'commands');

function io(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    progress: () => undefined,
    env: {},
    signal: new AbortController().signal,
  };
}

/** Help text with its line wrapping undone. */
const unwrapped = (text: string) => text.replace(/\n +/g, ' ');

describe('CLI usage and --help from the flag declarations', () => {
  let commands: CliCommand[];
  before(async () => {
    commands = await allCommands();
  });

  it('covers every command file, and no command file writes a usage string of its own', () => {
    const files = readdirSync(COMMANDS_DIR).filter((f) => f !== 'number-flag.ts');
    assert.equal(commands.length, files.length, `commands ${commands.map((c) => c.name)} vs files ${files}`);
    for (const f of files) {
      const text = readFileSync(join(COMMANDS_DIR, f), 'utf8');
      assert.match(text, /defineCommand\(\{/, f);
      assert.doesNotMatch(text, /\busage\s*:/, `${f} writes a usage by hand`);
      assert.doesNotMatch(text, /\bparseArgs\(/, `${f} parses its arguments by hand`);
    }
  });

  it('each usage line is generated and names every declared flag, required ones outside brackets', () => {
    for (const c of commands) {
      assert.equal(c.usage, usageLine(c), c.name);
      assert.ok(c.usage.startsWith(`pg-backup ${c.name}${c.args ? ` ${c.args}` : ''}`), c.usage);
      for (const [name, s] of Object.entries(c.flags)) {
        const text = `--${name}${s.value === undefined ? '' : ` ${s.value}`}`;
        assert.ok(c.usage.includes(text), `${c.name}: ${text} missing from ${c.usage}`);
        const at = c.usage.indexOf(text);
        const bracketed = c.usage.lastIndexOf('[', at) > c.usage.lastIndexOf(']', at);
        assert.equal(bracketed, !s.required, `${c.name}: ${text} ${s.required ? 'is required' : 'is optional'}`);
      }
    }
    const dump = commands.find((c) => c.name === 'dump')!;
    assert.match(dump.usage, / \[--schema-only \| --data-only\] /);
    assert.match(dump.usage, / \[--table T\]\.\.\. /);
    const exportUsage = commands.find((c) => c.name === 'schema export')!.usage;
    assert.match(exportUsage, /^pg-backup schema export <conn> --out FILE \| --split DIR \[--owners\]/);
  });

  it('pg-backup <command> --help exits 0 and lists every declared flag with its help, running nothing', async () => {
    for (const c of commands) {
      for (const flag of ['--help', '-h']) {
        const out = io();
        // Arguments that would fail if the command ran: no connection, no file.
        assert.equal(await main([...c.name.split(' '), flag, '--json'].slice(0, c.flags.json ? 4 : 3), out), 0);
        assert.deepEqual(out.stderr, [], c.name);
        const help = out.stdout.join('\n');
        assert.ok(unwrapped(help).startsWith(`usage: ${c.usage}\n`), `${c.name}:\n${help}`);
        for (const [name, s] of Object.entries(c.flags)) {
          const text = `  --${name}${s.value === undefined ? '' : ` ${s.value}`}`;
          const row = help.split('\n').findIndex((l) => l.startsWith(text));
          assert.ok(row > 0, `${c.name} --help lacks --${name}`);
          const rest = unwrapped(help.split('\n').slice(row).join('\n'));
          assert.ok(rest.includes(s.help), `${c.name} --help lacks the help of --${name}: ${s.help}`);
        }
        assert.match(help, /^ {2}-h, --help +show this help and exit$/m);
        assert.ok(
          help.split('\n').every((l) => l.length <= 100),
          `${c.name} --help has a line over 100 columns`,
        );
      }
    }
  });

  it('pg-backup --help lists every command with its usage and summary; no arguments is a usage error', async () => {
    const out = io();
    assert.equal(await main(['--help'], out), 0);
    const help = unwrapped(out.stdout.join('\n'));
    for (const c of commands) assert.ok(help.includes(` ${c.usage} ${c.summary}`), `${c.name} missing from:\n${help}`);
    const bare = io();
    assert.equal(await main([], bare), 2);
    assert.deepEqual(bare.stdout, out.stdout);
  });

  it('a bad flag names the flag and prints the generated usage (exit 2)', async () => {
    const out = io();
    assert.equal(await main(['dump', 'db', '--format', 'custom', '--nope'], out), 2);
    const dump = commands.find((c) => c.name === 'dump')!;
    assert.deepEqual(out.stderr, ['pg-backup dump: Unknown option --nope.', `usage: ${dump.usage}`]);
  });

  it("--version prints package.json's version", async () => {
    const out = io();
    assert.equal(await main(['--version'], out), 0);
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    assert.deepEqual(out.stdout, [pkg.version]);
  });

  it("the README's CLI block names only commands and flags that exist", () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const block = readme.split('## CLI')[1].split('```')[1];
    // A line of its own or the continuation of the one before (indented).
    const entries = block
      .replace(/\n {2,}/g, ' ')
      .split('\n')
      .filter((l) => l.startsWith('pg-backup '));
    assert.equal(entries.length, commands.length);
    for (const line of entries) {
      const c = commands.find((k) => line.startsWith(`pg-backup ${k.name} `) || line === `pg-backup ${k.name}`);
      assert.ok(c, `no command for: ${line}`);
      for (const [, name] of line.replace(/#.*/, '').matchAll(/--([a-z-]+)/g)) {
        assert.ok(c.flags[name], `README: pg-backup ${c.name} has no --${name}`);
      }
    }
  });
});
