// Runs the end-to-end suite inside a real VS Code (code-server, the browser build of VS Code)
// through ../shared/vscode-web, which installs it from the npm registry and Debian packages.
// Contributors who can download desktop VS Code can run the same suite with
// `node out/test/e2e/runTest.js` (@vscode/test-electron).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { makeWorkspace } from './workspace.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const shared = process.env.VSCODE_WEB_TOOLS || path.resolve(root, '../shared/vscode-web');
if (!fs.existsSync(path.join(shared, 'run.mjs'))) {
  // No code-server tools beside the checkout: use desktop VS Code through @vscode/test-electron
  // (it downloads VS Code, so this needs the Internet).
  console.log(`e2e: ${shared}/run.mjs not found; running the suite in desktop VS Code (@vscode/test-electron)`);
  const r = spawnSync(process.execPath, [path.join(root, 'out/test/e2e/runTest.js')], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
execFileSync('bash', [path.join(shared, 'install')], { stdio: ['ignore', 'ignore', 'inherit'] });
const ws = makeWorkspace(root);
const args = [path.join(shared, 'run.mjs'), '--extension', root, '--tests', path.join(root, 'out/test/e2e/index.js'), '--folder', ws, '--timeout', '400'];
const r = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, MAIL_LOG_LENS_E2E_WS: ws } });
fs.rmSync(ws, { recursive: true, force: true });
process.exit(r.status ?? 1);
