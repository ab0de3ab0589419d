import { withClient } from '../../core/connection/client';
import { describeParams } from '../../core/connection/profile';
import { resolveParams } from '../../core/connection/resolve';
import { serverInfo } from '../../core/connection/server-info';
import { EXIT, has, parseArgs, type CliCommand } from '../command';
import { resolveConnArg } from '../resolve-conn';
import { wholeNumberFlag } from './number-flag';

export const connTestCommand: CliCommand = {
  name: 'conn test',
  usage: 'pg-backup conn test <conn> [--timeout SECONDS] [--json]',
  summary: 'Connect and print the server version.',
  async run(args, io) {
    const p = parseArgs(args, ['timeout'], ['json']);
    const { params, password } = resolveConnArg(p.positional[0], io.env);
    const timeout = wholeNumberFlag(p, 'timeout', 1) ?? Number(io.env.PGCONNECT_TIMEOUT ?? 10);
    const info = await withClient(params, { password, connectTimeoutSec: timeout, env: io.env }, serverInfo);
    if (has(p, 'json')) io.out(JSON.stringify({ ok: true, connection: describeParams(resolveParams(params, io.env)), server: info }, null, 2));
    else io.out(`Connected to ${describeParams(resolveParams(params, io.env))}: PostgreSQL ${info.version} as ${info.currentUser}`);
    return EXIT.ok;
  },
};
