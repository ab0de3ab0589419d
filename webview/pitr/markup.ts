/**
 * The panel's static markup: toolkit components for the inputs, empty containers the renderer fills. Every input
 * carries `data-field` naming its PitrForm key, which is all the binding code needs.
 */

const SOURCES: [string, string][] = [
  ['cp', 'Local folder (cp)'],
  ['rsync', 'rsync over ssh'],
  ['walg', 'WAL-G'],
  ['pgbackrest', 'pgBackRest stanza'],
  ['barman', 'Barman (barman-wal-restore)'],
];

const TARGETS: [string, string][] = [
  ['time', 'Time'],
  ['xid', 'Transaction id'],
  ['lsn', 'LSN'],
  ['name', 'Restore point'],
  ['immediate', 'Backup end (immediate)'],
  ['latest', 'End of archive (latest)'],
];

const ACTIONS: [string, string][] = [
  ['pause', 'Pause (check, then promote)'],
  ['promote', 'Promote'],
  ['shutdown', 'Shut down'],
];

const options = (list: [string, string][]) =>
  list.map(([v, l]) => `<vscode-option value="${v}">${l}</vscode-option>`).join('');
const radios = (list: [string, string][]) =>
  list.map(([v, l]) => `<vscode-radio value="${v}">${l}</vscode-radio>`).join('');

export const PANEL_MARKUP = `
<main class="pitr">
  <section class="form" aria-label="Recovery settings">
    <h2 id="backup-heading">Base backup</h2>
    <div id="backup-info" class="backup-info">Reading the backup…</div>
    <div class="row" id="server-major-row" hidden>
      <vscode-text-field id="server-major" data-field="serverMajor" size="6" placeholder="15">Server major</vscode-text-field>
    </div>

    <div id="archive-section">
    <h2>WAL archive</h2>
    <div class="row">
      <label class="label" for="source-kind">Fetch archived WAL from</label>
      <vscode-dropdown id="source-kind" data-field="sourceKind">${options(SOURCES)}</vscode-dropdown>
    </div>
    <div class="row" data-when-source="cp">
      <vscode-text-field id="archive-dir" data-field="archiveDir" class="grow" placeholder="/var/lib/postgresql/wal-archive">Archive folder</vscode-text-field>
      <vscode-button id="pick-archive" appearance="secondary">Browse…</vscode-button>
    </div>
    <div class="row" data-when-source="rsync">
      <vscode-text-field id="rsync-host" data-field="rsyncHost" placeholder="backup@archive-host">Host</vscode-text-field>
      <vscode-text-field id="rsync-dir" data-field="rsyncDir" class="grow" placeholder="/srv/wal-archive">Folder on the host</vscode-text-field>
    </div>
    <div class="row" data-when-source="pgbackrest">
      <vscode-text-field id="stanza" data-field="stanza" placeholder="main">Stanza</vscode-text-field>
    </div>
    <div class="row" data-when-source="barman">
      <vscode-text-field id="barman-host" data-field="barmanHost" placeholder="barman@backup-host">Barman host</vscode-text-field>
      <vscode-text-field id="barman-server" data-field="barmanServer" placeholder="pg">Server name in Barman</vscode-text-field>
    </div>
    </div>

    <h2>Recoverable window</h2>
    <div id="window" class="window" aria-live="polite"></div>

    <h2>Recover to</h2>
    <vscode-radio-group id="target-kind" data-field="targetKind" orientation="horizontal">${radios(TARGETS)}</vscode-radio-group>
    <div class="row" data-when-target="time">
      <label class="label" for="target-time">Date and time
        <input type="datetime-local" step="1" id="target-time" data-field="time">
      </label>
      <vscode-text-field id="target-zone" data-field="zone" placeholder="Europe/Berlin, UTC or +02:00">Time zone</vscode-text-field>
    </div>
    <div class="row" data-when-target="xid">
      <vscode-text-field id="target-xid" data-field="xid" placeholder="e.g. 1234567">Transaction id</vscode-text-field>
    </div>
    <div class="row" data-when-target="lsn">
      <vscode-text-field id="target-lsn" data-field="lsn" placeholder="e.g. 0/3000060">LSN</vscode-text-field>
    </div>
    <div class="row" data-when-target="name">
      <vscode-text-field id="target-name" data-field="name" placeholder="before-migration">Restore point (pg_create_restore_point)</vscode-text-field>
    </div>
    <div class="row" data-when-target="time xid lsn">
      <vscode-checkbox id="inclusive" data-field="inclusive">Inclusive: stop just after the target, not just before</vscode-checkbox>
    </div>
    <div class="row">
      <vscode-text-field id="timeline" data-field="timeline" size="8" placeholder="latest">Timeline (latest, current or N)</vscode-text-field>
    </div>
    <div class="row" data-when-target="time xid lsn name immediate">
      <label class="label" for="action">At the target</label>
      <vscode-radio-group id="action" data-field="action" orientation="horizontal">${radios(ACTIONS)}</vscode-radio-group>
    </div>

    <h2>Where it is restored (for the runbook)</h2>
    <div class="row">
      <vscode-text-field id="data-dir" data-field="dataDir" class="grow">Data directory</vscode-text-field>
      <vscode-text-field id="os-user" data-field="osUser" size="10">OS user (sudo -u)</vscode-text-field>
    </div>

    <ul id="issues" class="issues" role="status" aria-live="polite"></ul>
  </section>

  <section class="output" aria-label="Generated files and runbook">
    <div class="toolbar">
      <vscode-button id="copy-files">Copy files</vscode-button>
      <vscode-button id="copy-runbook" appearance="secondary">Copy runbook</vscode-button>
      <vscode-button id="save-files" appearance="secondary">Save into a data directory…</vscode-button>
      <vscode-button id="run-drill" appearance="secondary">Run a drill here</vscode-button>
      <span id="render-time" class="muted"></span>
    </div>
    <div id="files" class="files"></div>
    <h2>Drill</h2>
    <div id="drill" class="drill" aria-live="polite"></div>
    <h2>Runbook</h2>
    <ol id="runbook" class="runbook"></ol>
  </section>
</main>`;
