import { discoverTools } from '../../core/tools/discover';
import { defineCommand, EXIT } from '../command';
import { has } from '../flags';

export const toolsCommand = defineCommand({
  name: 'tools',
  flags: { json: { help: 'print the tool sets as JSON' } },
  summary: 'List the PostgreSQL client tools found on this machine, by major version.',
  async run(p, io) {
    const sets = await discoverTools(io.env.PGBACKUP_TOOL_FOLDERS?.split(':').filter(Boolean) ?? [], io.env);
    if (has(p, 'json')) {
      io.out(JSON.stringify({ toolSets: sets }, null, 2));
    } else if (!sets.length) {
      io.out(
        'No PostgreSQL client tools found. Install postgresql-client (apt), postgresql@N (brew) or the EDB installer.',
      );
    } else {
      for (const s of sets) io.out(`PostgreSQL ${s.version}  ${s.dir}\n  ${Object.keys(s.tools).join(' ')}`);
    }
    return EXIT.ok;
  },
});
