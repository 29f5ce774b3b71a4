import { Connection, Diagnostic, DiagnosticSeverity } from 'vscode-languageserver';
import { fieldText } from '../core/entry';
import { parseLine } from '../core/fileParser';
import { LineKind } from '../core/model';
import { IndexedFile, Snapshot } from '../core/snapshot';
import { pathToUri } from './locations';
import { DiagnosticsLevel } from '../settings';
import { LineReader } from './lineText';

/** Per file, at most this many problems are listed; a last one says how many more there are. */
export const MAX_DIAGNOSTICS_PER_FILE = 2000;

/**
 * Failed deliveries and spamdyke's own errors (and with 'refusals' every refusal) of one file,
 * as diagnostics.
 */
export function fileDiagnostics(reader: LineReader, file: IndexedFile, level: DiagnosticsLevel): Diagnostic[] {
  if (level === 'none') return [];
  const candidates: number[] = [];
  const kinds = file.parsed.lineKinds;
  for (let l = 0; l < kinds.length; l++) {
    const k = kinds[l];
    if (k === LineKind.DeliveryResult || k === LineKind.SpamdykeDiagnostic || (level === 'refusals' && (k === LineKind.SmtpResp || k === LineKind.Spamdyke))) candidates.push(l);
  }
  const out: Diagnostic[] = [];
  if (!candidates.length) return out;
  const lines = reader.range(file, 0, file.parsed.lineCount);
  let more = 0;
  for (const l of candidates) {
    // Of spamdyke's diagnostic lines only its errors count; at its debug level they are a few of
    // many lines, not worth a full parse each.
    if (kinds[l] === LineKind.SpamdykeDiagnostic && !(lines[l] ?? '').includes(']: ERROR')) continue;
    const d = lineDiagnostic(file, lines[l] ?? '', l, level);
    if (!d) continue;
    if (out.length >= MAX_DIAGNOSTICS_PER_FILE) more++;
    else out.push(d);
  }
  if (more) {
    out.push({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: DiagnosticSeverity.Information, source: 'mail-log-lens', message: `${more} more problems in this file are not listed` });
  }
  return out;
}

function lineDiagnostic(file: IndexedFile, text: string, line: number, level: DiagnosticsLevel): Diagnostic | undefined {
  const parsed = parseLine(file.format, text);
  for (const e of parsed.entries) {
    const range = { start: { line, character: e.start }, end: { line, character: e.end } };
    if (file.format === 'delivery' && e.kind === 'result') {
      const outcome = fieldText(text, e, 'outcome');
      if (outcome !== 'failure' && !(level === 'refusals' && outcome === 'deferral')) continue;
      const reason = (fieldText(text, e, 'text') ?? '').replace(/_/g, ' ').replace(/\/$/, '');
      return {
        range, source: 'mail-log-lens', code: outcome,
        severity: outcome === 'failure' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
        message: `Delivery ${outcome === 'failure' ? 'failed (a bounce goes back to the sender)' : 'deferred (qmail retries later)'}: ${reason}`,
      };
    }
    if (file.format === 'spamdyke' && /^ERROR\b/.test(e.kind)) {
      // spamdyke's own trouble (DNS unreachable, a file it cannot read): its checks may not have run.
      return {
        range, source: 'mail-log-lens', code: 'ERROR', severity: DiagnosticSeverity.Warning,
        message: `spamdyke reports an error of its own, so its checks may not have run as configured: ${fieldText(text, e, 'text') ?? e.kind}`,
      };
    }
    if (level !== 'refusals') continue;
    if (file.format === 'smtp' && e.kind === 'resp') {
      const code = fieldText(text, e, 'code');
      if (!code || (code[0] !== '4' && code[0] !== '5')) continue;
      return {
        range, source: 'mail-log-lens', code,
        severity: code[0] === '5' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
        message: `${code[0] === '5' ? 'Refused permanently' : 'Refused temporarily'}: ${fieldText(text, e, 'text') ?? code}`,
      };
    }
    if (file.format === 'spamdyke' && e.kind.startsWith('DENIED_')) {
      return { range, source: 'mail-log-lens', code: e.kind, severity: DiagnosticSeverity.Warning, message: `spamdyke refused: ${e.kind}` };
    }
  }
  return undefined;
}

/** Publishes each file's diagnostics when its parse or the level changed, and clears removed files. */
export class DiagnosticsPublisher {
  private readonly published = new Map<string, string>();

  constructor(private readonly connection: Connection, private readonly reader: LineReader) {}

  publish(snap: Snapshot, level: DiagnosticsLevel): void {
    const present = new Set<string>();
    for (const file of snap.files) {
      present.add(file.path);
      const key = `${file.id}:${level}`;
      if (this.published.get(file.path) === key) continue;
      this.published.set(file.path, key);
      void this.connection.sendDiagnostics({ uri: pathToUri(file.path), diagnostics: fileDiagnostics(this.reader, file, level) });
    }
    for (const p of [...this.published.keys()]) {
      if (present.has(p)) continue;
      this.published.delete(p);
      void this.connection.sendDiagnostics({ uri: pathToUri(p), diagnostics: [] });
    }
  }
}
