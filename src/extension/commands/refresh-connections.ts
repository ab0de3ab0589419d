import type { Ctx } from '../context';

export const refreshConnections = (ctx: Ctx) => () => {
  ctx.tools.invalidate();
  ctx.connectionsTree.refresh();
};
