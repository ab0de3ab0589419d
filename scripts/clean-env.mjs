// The environment for a child npm (or anything npm runs) that must not inherit the npm running this script.
// Under `npm test` / `npm run demo` the outer npm exports its own state: every `npm_config_*` (its
// user agent, which names the outer Node's version, its nodedir, its prefix…), `npm_package_*`,
// `npm_lifecycle_*`, `npm_execpath`, `npm_node_execpath`, `INIT_CWD`, `NODE`, and it puts its
// `node_modules/.bin` folders and its `node-gyp-bin` shim in front of PATH. An inner `npm install` that sees them
// acts for the outer one: code-server's postinstall reads the Node version from `npm_config_user_agent` and
// refuses Node 24 as "node v20". Every inner install goes through this one function.
import { delimiter, sep } from 'node:path';

const NPM_VARIABLE = /^(npm_|INIT_CWD$|NODE$|COLOR$)/i;

/** True for a PATH entry that the outer npm put there for its script (`…/node_modules/.bin`, run-script's
 *  `node-gyp-bin`). */
function isNpmPathEntry(entry) {
  const normal = entry.split(sep).join('/');
  return (
    normal.endsWith('/node_modules/.bin') || normal.includes('/@npmcli/run-script/') || normal.endsWith('/node-gyp-bin')
  );
}

/** A copy of `base` without the calling npm's variables and PATH entries; `extra` is added last. */
export function cleanEnv(base = process.env, extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(base)) {
    if (value === undefined || NPM_VARIABLE.test(key)) continue;
    env[key] = value;
  }
  const pathKey = Object.keys(env).find((k) => k.toUpperCase() === 'PATH') ?? 'PATH';
  env[pathKey] = (env[pathKey] ?? '')
    .split(delimiter)
    .filter((entry) => entry && !isNpmPathEntry(entry))
    .join(delimiter);
  return { ...env, ...extra };
}
