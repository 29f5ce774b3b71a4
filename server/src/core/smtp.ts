import { Entry, Field, FieldName, ParsedLine } from './entry';
import { commaSpace, isoEntryStarts, trimmedEnd } from './parseCommon';
import { parseIsoLocal } from './time';

const ENHANCED = /#?[245]\.\d{1,3}\.\d{1,3}/;
const QUEUED = /^250 ok (\d+) qp (\d+)/;

/** Parses one physical line of an SMTP log (qmail-smtpd with chkuser, as the panel exports it). */
export function parseSmtpLine(line: string): ParsedLine {
  const end = trimmedEnd(line);
  const starts = isoEntryStarts(line);
  if (starts.length === 0) {
    return end > 0 && line.slice(0, end).trim() ? { entries: [], problem: 'not an SMTP log entry' } : { entries: [] };
  }
  const entries: Entry[] = [];
  let problem = starts[0] > 0 && line.slice(0, starts[0]).replace('\ufeff', '').trim() ? 'text before the first entry' : undefined;
  for (let k = 0; k < starts.length; k++) {
    const s = starts[k];
    const e = k + 1 < starts.length ? trimmedEnd(line, s, starts[k + 1]) : end;
    const entry = parseSmtpEntry(line, s, e);
    const broken = smtpEntryProblem(line, entry);
    if (broken) problem = broken;
    else entries.push(entry);
  }
  return problem ? { entries, problem } : { entries };
}

/** `, <address>` as FORMATS.md shows it, or `, address@domain` without the brackets. */
export const ENVELOPE_ADDRESS = /^, (?:<[^<>\s]*>|[^<>\s]*@[^<>\s]*)$/;

const SMTP_KNOWN = new Set(['from', 'to', 'resp', 'check', 'size']);
const FULL_QUEUED = /^250 ok \d+ qp \d+$/;

/** Why an entry is incomplete or damaged (a line cut short, a stray fragment), or undefined. */
function smtpEntryProblem(line: string, e: Entry): string | undefined {
  const detail = (name: FieldName) => fieldTextOf(line, e, name);
  if (!SMTP_KNOWN.has(e.kind)) {
    return /^[a-z_]{2,}$/.test(e.kind) && line.indexOf(', ', e.start + 21) >= 0 ? undefined : 'incomplete SMTP log entry (unknown kind)';
  }
  const rest = line.slice(e.start + 21 + e.kind.length, e.end);
  switch (e.kind) {
    case 'from': {
      const a = detail('address') ?? '';
      return a === '' || rest.trim() === '<>' || (a.includes('@') && !/\s/.test(a)) ? undefined : 'incomplete sender address';
    }
    case 'to':
      return ENVELOPE_ADDRESS.test(rest) ? undefined : 'incomplete recipient address';
    case 'resp': {
      const code = detail('code');
      if (!code) return 'reply without a code';
      const text = line.slice(e.fields.find((f) => f.name === 'code')!.start, e.end);
      if (/^250 ok \d/.test(text) && !FULL_QUEUED.test(text)) return 'incomplete queue reply';
      return undefined;
    }
    case 'check':
      return e.fields.some((f) => f.name === 'address') && e.fields.some((f) => f.name === 'remoteKind') ? undefined : 'incomplete chkuser check';
    case 'size':
      return /^\d+$/.test(detail('size') ?? '') ? undefined : 'incomplete size';
  }
  return undefined;
}

function fieldTextOf(line: string, e: Entry, name: FieldName): string | undefined {
  const f = e.fields.find((x) => x.name === name);
  return f ? line.slice(f.start, f.end) : undefined;
}

function parseSmtpEntry(line: string, s: number, e: number): Entry {
  const fields: Field[] = [{ name: 'timestamp', start: s, end: s + 19 }];
  const time = parseIsoLocal(line, s);
  const kindStart = s + 21;
  let kindEnd = commaSpace(line, kindStart, e);
  let detailStart: number;
  if (kindEnd < 0) {
    // `..., from, ` with an empty detail loses its trailing space to trimming.
    kindEnd = line.charCodeAt(e - 1) === 44 ? e - 1 : e;
    detailStart = e;
  } else {
    detailStart = kindEnd + 2;
  }
  const kind = line.slice(kindStart, kindEnd);
  fields.push({ name: 'kind', start: kindStart, end: kindEnd });
  const entry: Entry = { format: 'smtp', kind, start: s, end: e, time, fields };
  switch (kind) {
    case 'from':
    case 'to':
      addressField(line, detailStart, e, fields);
      break;
    case 'resp':
      respFields(line, detailStart, e, fields);
      break;
    case 'check':
      checkFields(line, detailStart, e, fields);
      break;
    case 'size':
      fields.push({ name: 'size', start: detailStart, end: e });
      break;
    default:
      if (detailStart < e) fields.push({ name: 'detail', start: detailStart, end: e });
  }
  return entry;
}

export function addressField(line: string, s: number, e: number, fields: Field[]): void {
  while (s < e && line.charCodeAt(s) === 32) s++;
  if (line.charCodeAt(s) === 60 && line.charCodeAt(e - 1) === 62) {
    s++;
    e--;
  }
  fields.push({ name: 'address', start: s, end: Math.max(s, e) });
}

export function respFields(line: string, s: number, e: number, fields: Field[]): void {
  const codeEnd = s + 3;
  if (codeEnd <= e && /^\d{3}$/.test(line.slice(s, codeEnd))) {
    fields.push({ name: 'code', start: s, end: codeEnd });
    let textStart = codeEnd;
    while (textStart < e && (line.charCodeAt(textStart) === 32 || line.charCodeAt(textStart) === 45)) textStart++;
    if (textStart < e) fields.push({ name: 'text', start: textStart, end: e });
    const rest = line.slice(s, e);
    const q = QUEUED.exec(rest);
    if (q) {
      const epochAt = s + 7;
      fields.push({ name: 'epoch', start: epochAt, end: epochAt + q[1].length });
      const qpAt = epochAt + q[1].length + 4;
      fields.push({ name: 'qp', start: qpAt, end: qpAt + q[2].length });
    } else {
      const m = ENHANCED.exec(rest);
      if (m) fields.push({ name: 'enhanced', start: s + m.index, end: s + m.index + m[0].length });
      const open = rest.indexOf('"');
      const close = rest.lastIndexOf('"');
      if (open >= 0 && close > open) fields.push({ name: 'quoted', start: s + open, end: s + close + 1 });
    }
  } else if (s < e) {
    fields.push({ name: 'text', start: s, end: e });
  }
}

function checkFields(line: string, s: number, e: number, fields: Field[]): void {
  const c1 = commaSpace(line, s, e);
  if (c1 < 0) {
    fields.push({ name: 'verdict', start: s, end: e });
    return;
  }
  fields.push({ name: 'verdict', start: s, end: c1 });
  const rs = c1 + 2;
  const c2 = commaSpace(line, rs, e);
  const re = c2 < 0 ? e : c2;
  fields.push({ name: 'remote', start: rs, end: re });
  const colon = line.indexOf(':', rs);
  if (colon > rs && colon < re) {
    fields.push({ name: 'remoteKind', start: rs, end: colon });
    if (colon + 1 < re) fields.push({ name: 'ip', start: colon + 1, end: re });
  }
  if (c2 < 0) return;
  const as = c2 + 2;
  const c3 = commaSpace(line, as, e);
  addressField(line, as, c3 < 0 ? e : c3, fields);
  if (c3 >= 0 && c3 + 2 < e) fields.push({ name: 'reason', start: c3 + 2, end: e });
}
