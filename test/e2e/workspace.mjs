// Builds the end-to-end workspace in a temporary folder: the bundled sample logs under their
// real names, the same logs under opaque names (content must decide), and unrelated .log and
// .txt files that must stay what they are.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function makeWorkspace(root) {
  const samples = path.join(root, 'samples');
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'mail-log-lens-ws-'));
  const real = path.join(ws, 'real');
  const opaque = path.join(ws, 'opaque');
  const unrelated = path.join(ws, 'unrelated');
  for (const d of [real, opaque, unrelated]) fs.mkdirSync(d);
  const names = fs.readdirSync(samples).filter((n) => !n.endsWith('.md') && !n.endsWith('.json'));
  for (const n of names) fs.copyFileSync(path.join(samples, n), path.join(real, n));
  const opaqueNames = { 'smtp_25.log': 'export (1).log', 'smtp_465.log': 'download-7f3a.txt', 'smtp_587.log': 'a', 'delivery.log': 'mail.txt', 'spamdyke.log': 'logfile' };
  for (const [from, to] of Object.entries(opaqueNames)) {
    if (fs.existsSync(path.join(samples, from))) fs.copyFileSync(path.join(samples, from), path.join(opaque, to));
  }
  fs.writeFileSync(path.join(unrelated, 'app.log'), '2021-03-09 12:43:51 INFO server started\n2021-03-09 12:43:52 WARN disk almost full\n');
  fs.writeFileSync(path.join(unrelated, 'notes.txt'), 'from, to and resp are the SMTP log kinds\nnothing else here\n');
  fs.writeFileSync(path.join(unrelated, 'syslog.log'), 'Mar  9 12:43:51 host sshd[1]: Accepted publickey for root\n');
  return ws;
}
