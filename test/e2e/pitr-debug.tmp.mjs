import { codeServerCli, makeScratch, prepareTestWorkspace, startCodeServer } from '../support/code-server.mjs';
import { setSession, openWorkbench } from './support.mjs';
const scratch = makeScratch('dbg');
await codeServerCli(scratch, ['--install-extension', '/work/main/dist/pg-backup.vsix']);
const ws = await prepareTestWorkspace(scratch);
const server = await startCodeServer(scratch);
setSession({ scratch, server, workspace: ws.workspace, cluster: ws.cluster, stoppers: { add() {} } });
const wb = await openWorkbench();
const { page } = wb;
try {
  await page.waitForTimeout(4000);
  await wb.openContainer('PostgreSQL Backup');
  await page.waitForTimeout(3000);
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  for (const q of ['>PostgreSQL Backup', '>Open PITR', '>Base Backup']) { await input.fill(q); await page.waitForTimeout(1500); console.log(q, await page.locator('.quick-input-widget .monaco-list-row').allInnerTexts()); }
  await page.waitForTimeout(2000);
  console.log(await page.locator('.quick-input-widget .monaco-list-row').allInnerTexts());
  await page.screenshot({ path: '/tmp/pgb-dbg/palette.png' });
} finally {
  await wb.close(); await server.stop(); await ws.stop(); scratch.remove();
}
