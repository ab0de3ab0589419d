import { withClient } from '../../core/connection/client';
import { describeParams } from '../../core/connection/profile';
import { resolveParams } from '../../core/connection/resolve';
import { serverInfo } from '../../core/connection/server-info';
import { defineCommand, EXIT } from '../command';
import { has, numberFlag } from '../flags';
import { resolveConnArg } from '../resolve-conn';

export const connTestCommand = defineCommand({
  name: 'conn test',
  args: '<conn>',
  flags: {
    timeout: { value: 'SECONDS', min: 1, help: 'give up connecting after this long (default PGCONNECT_TIMEOUT or 10)' },
    json: { help: 'print the connection and server facts as JSON' },
  },
  summary: 'Connect and print the server version.',
  async run(p, io) {
    const { params, password } = resolveConnArg(p.positional[0], io.env);
    const timeout = numberFlag(p, 'timeout') ?? Number(io.env.PGCONNECT_TIMEOUT ?? 10);
    const info = await withClient(params, { password, connectTimeoutSec: timeout, env: io.env }, serverInfo);
    if (has(p, 'json'))
      io.out(
        JSON.stringify({ ok: true, connection: describeParams(resolveParams(params, io.env)), server: info }, null, 2),
      );
    else
      io.out(
        `Connected to ${describeParams(resolveParams(params, io.env))}: PostgreSQL ${info.version} as ${info.currentUser}`,
      );
    return EXIT.ok;
  },
});
