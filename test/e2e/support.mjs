// Helpers for UI tests against the packaged extension in code-server (no smoke-test driver, so notification
// toasts show). scripts/run-e2e.mjs installs the .vsix, starts the cluster and code-server once, and hands them
// over with setSession(); each test file opens its own Chromium window with openWorkbench().
import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { launchBrowser } from '../support/code-server.mjs';

let current;

/** Called by scripts/run-e2e.mjs: { scratch, server, workspace, cluster, stoppers }. */
export function setSession(session) {
  current = session;
}

/** The running code-server, workspace and cluster; e2e tests run only through scripts/run-e2e.mjs. */
export function session() {
  if (!current) throw new Error('no e2e session: run the e2e tests with `node scripts/run-e2e.mjs`');
  return current;
}

/** The last lines of the "PostgreSQL Backup" output channel's log under the user data folder, or why not. */
function extensionLog(userData, lines = 15) {
  const found = [];
  const walk = (dir) => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, d.name);
      if (d.isDirectory()) walk(path);
      else if (/PostgreSQL Backup\.log$/.test(d.name)) found.push(path);
    }
  };
  try {
    walk(join(userData, 'logs'));
  } catch (e) {
    return `(no logs: ${e.message})`;
  }
  if (!found.length) return '(no "PostgreSQL Backup" log file)';
  const newest = found.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  return readFileSync(newest, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Opens the session's workspace in a fresh Chromium profile and waits for the workbench. Returns the page and
 * the helpers below bound to it; close() when done.
 */
export async function openWorkbench() {
  const { scratch, server, workspace, stoppers } = session();
  const browser = await launchBrowser(scratch);
  stoppers.add(() => browser.close()); // also closed when a test file forgets to, or the run times out
  const page = browser.pages()[0] ?? (await browser.newPage());
  page.setDefaultTimeout(60_000); // the workbench is slow to react on a loaded 2-CPU machine
  await page.goto(server.url(workspace));
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60_000 });
  return {
    page,

    /** Clicks an activity bar item by its aria-label (e.g. "PostgreSQL Backup") and waits for its side bar. */
    async openContainer(label = 'PostgreSQL Backup') {
      const item = page.locator(`.part.activitybar [aria-label^="${label}"]`).first();
      await item.click();
      await page.locator('.part.sidebar .composite.title', { hasText: new RegExp(escape(label), 'i') }).waitFor();
    },

    /** The view pane with this header title (e.g. "Connections"), expanded. */
    async view(title) {
      const pane = page
        .locator('.part.sidebar .pane')
        .filter({ has: page.locator('.pane-header', { hasText: new RegExp(`^\\s*${escape(title)}`, 'i') }) });
      await pane.first().waitFor();
      const header = pane.first().locator('.pane-header');
      if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
      return pane.first();
    },

    /**
     * Opens the Connections view and expands the connection `name` once its row names the server version (the
     * view has reached the server): an expand on a tree still redrawing is lost. Returns the view pane.
     */
    async expandConnection(name = 'test') {
      await this.openContainer('PostgreSQL Backup');
      const connections = await this.view('Connections');
      await connections
        .locator('.monaco-list-row', { hasText: /PostgreSQL \d+/ })
        .first()
        .waitFor();
      await this.expand(this.treeRow(name, connections));
      return connections;
    },

    /** A tree row whose label is exactly `label`, inside `scope` (a view pane) or anywhere. */
    treeRow(label, scope = page) {
      return scope
        .locator('.monaco-list-row')
        .filter({ has: page.locator('.label-name').getByText(label, { exact: true }) })
        .first();
    },

    /** Labels of the rows currently shown in a view pane. */
    async rowLabels(scope) {
      return (await scope.locator('.monaco-list-row .label-name').allTextContents()).map((s) => s.trim());
    },

    /** Expands a collapsed tree row (no-op when already expanded). */
    async expand(row) {
      if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
      await page.waitForFunction((el) => el?.getAttribute('aria-expanded') === 'true', await row.elementHandle());
    },

    /**
     * Right-clicks a row and picks a context menu entry by its title. A click that lands while the menu is still
     * settling is ignored by the workbench (the menu stays open), so it is repeated until the menu closes. A tree
     * that redraws under the pointer (a destination's listing arriving) can take the right-click for another row:
     * then the entry is missing, the menu is closed and the right-click made again.
     */
    async contextMenu(row, itemTitle) {
      const entry = page
        .locator('.monaco-menu .action-item')
        .filter({ has: page.getByText(itemTitle, { exact: true }) })
        .first();
      for (let attempt = 1; ; attempt++) {
        await row.click({ button: 'right' });
        const shown = await entry.waitFor({ timeout: 20_000 }).then(
          () => true,
          (e) => {
            if (attempt === 3) throw e;
            return false;
          },
        );
        if (shown) break;
        await page.keyboard.press('Escape');
        await page.waitForTimeout(500);
      }
      for (let attempt = 0; attempt < 5 && (await entry.isVisible()); attempt++) {
        await entry.click({ timeout: 5000 }).catch(() => undefined);
        await page.waitForTimeout(300);
      }
    },

    /** Runs a command palette entry: F1, its title, Enter. */
    async runCommand(title) {
      await page
        .locator('.monaco-workbench')
        .click({ position: { x: 5, y: 400 } })
        .catch(() => undefined);
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget .quick-input-box input');
      await input.waitFor();
      await input.fill(`>${title}`);
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor();
      await page.keyboard.press('Enter');
    },

    /** Labels of the entries of the quick pick titled `title`, once it shows (the palette closes first). */
    async quickPickItems(title) {
      await page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor();
      const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
      await rows.first().waitFor();
      return (await rows.locator('.label-name').allInnerTexts()).map((s) => s.trim());
    },

    /** Picks the entry of the open quick pick (or input's list) whose label contains `label`. */
    async pickQuickItem(label) {
      const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: label }).first();
      await row.waitFor();
      await row.click();
    },

    /** Closes the open quick pick or palette. */
    async dismissQuickInput() {
      await page.keyboard.press('Escape');
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    },

    /** Waits for a notification toast whose text matches `pattern` and returns its text. */
    async notification(pattern, timeout = 30_000) {
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: pattern }).first();
      try {
        await toast.waitFor({ timeout });
      } catch (e) {
        const shown = await page
          .locator('.notifications-toasts .notification-toast')
          .allInnerTexts()
          .catch(() => []);
        const log = extensionLog(scratch.dirs['user-data']);
        throw new Error(
          `no notification matched ${pattern} within ${timeout / 1000} s; toasts on screen: ` +
            `${JSON.stringify(shown.map((t) => t.trim().replace(/\s+/g, ' ')))}\n` +
            `last lines of the extension's output channel:\n${log}\n${e.message.split('\n')[0]}`,
        );
      }
      return (await toast.innerText()).trim();
    },

    /**
     * Clicks the button `name` of the toast matching `pattern`. A click on a toast that moves as another toast
     * comes or goes can land beside the button; the toast then stays, so the click is made again (up to three).
     */
    async clickToastButton(pattern, name) {
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: pattern }).first();
      for (let attempt = 1; ; attempt++) {
        await toast.getByRole('button', { name }).click();
        const taken = await toast.waitFor({ state: 'hidden', timeout: 5000 }).then(
          () => true,
          () => false,
        );
        if (taken) return;
        if (attempt === 3) throw new Error(`the toast ${pattern} stayed after three clicks on "${name}"`);
      }
    },

    /** Waits until no toast matches `pattern` (e.g. a progress toast that closes when its work ends). */
    async notificationGone(pattern, timeout = 30_000) {
      await page
        .locator('.notifications-toasts .notification-toast', { hasText: pattern })
        .first()
        .waitFor({ state: 'hidden', timeout });
    },

    /** Texts of the toasts on screen now. */
    async notifications() {
      return (await page.locator('.notifications-toasts .notification-toast').allInnerTexts()).map((s) => s.trim());
    },

    /** The content of the active webview panel (open shadow roots are reachable with CSS locators). */
    webview() {
      return page.frameLocator('iframe.webview').frameLocator('#active-frame');
    },

    /** Drags the side bar's edge `px` to the right, so tree rows show their whole description. */
    async widenSideBar(px) {
      const bar = await page.locator('.part.sidebar').boundingBox();
      const x = bar.x + bar.width + 1;
      const y = bar.y + bar.height / 2;
      await page.mouse.move(x, y);
      await page.mouse.down();
      await page.mouse.move(x + px, y, { steps: 8 });
      await page.mouse.up();
      return (await page.locator('.part.sidebar').boundingBox()).width;
    },

    /** Saves a screenshot of the whole window (folders created as needed). */
    async screenshot(path) {
      mkdirSync(dirname(path), { recursive: true });
      await page.mouse.move(0, 0); // no hover highlight in the picture
      await page.screenshot({ path });
    },

    close: () => browser.close(),
  };
}
