import type { Ctx } from '../context';

export const refreshBackups = (ctx: Ctx) => () => ctx.backupsTree.refresh();
