import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** A panel's page: its title, its bundle and stylesheet, the toolkit or not, a line shown until it draws. */
export interface PanelPage {
  title: string;
  script: string;
  style: string;
  toolkit?: boolean;
  loading?: string;
}

/**
 * The HTML shell of a webview panel: a strict CSP (scripts only from the extension with this page's nonce, no
 * inline styles or scripts, no network), the toolkit (unless `toolkit: false`) and the panel's bundle as ES
 * modules, its stylesheet, and an optional line of text shown until the bundle draws. The toolkit reads
 * `csp-nonce` for the one <style> its focus-visible probe inserts.
 */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, opts: PanelPage): string {
  const nonce = randomBytes(16).toString('base64');
  const uri = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `script-src ${webview.cspSource} 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta property="csp-nonce" content="${nonce}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${uri('media', opts.style)}">
  <title>${escapeHtml(opts.title)}</title>
</head>
<body>
  <div id="app">${opts.loading ? `<p class="loading">${escapeHtml(opts.loading)}</p>` : ''}</div>
  ${opts.toolkit === false ? '' : `<script type="module" nonce="${nonce}" src="${uri('dist', 'webview', 'toolkit.min.js')}"></script>`}
  <script type="module" nonce="${nonce}" src="${uri('dist', 'webview', opts.script)}"></script>
</body>
</html>`;
}

/** Webview options shared by panels: scripts on, resources only from dist/ and media/. */
export function panelOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}
