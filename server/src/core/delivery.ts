import { Entry, Field, FieldName, ParsedLine } from './entry';
import { commaSpace, isoEntryStarts, trimmedEnd } from './parseCommon';
import { addressField, ENVELOPE_ADDRESS } from './smtp';
import { parseIsoLocal } from './time';

/** Parses one physical line of the delivery log (qmail-send, as the panel exports it). */
export function parseDeliveryLine(line: string): ParsedLine {
  const end = trimmedEnd(line);
  const starts = isoEntryStarts(line);
  if (starts.length === 0) {
    return line.slice(0, end).trim() ? { entries: [], problem: 'not a delivery log entry' } : { entries: [] };
  }
  const entries: Entry[] = [];
  let problem: string | undefined;
  for (let k = 0; k < starts.length; k++) {
    const s = starts[k];
    const e = k + 1 < starts.length ? trimmedEnd(line, s, starts[k + 1]) : end;
    const entry = parseDeliveryEntry(line, s, e);
    const broken = deliveryEntryProblem(line, entry);
    if (broken) problem = broken;
    else entries.push(entry);
  }
  return problem ? { entries, problem } : { entries };
}

const OUTCOMES = new Set(['success', 'deferral', 'failure']);

/** Why an entry is incomplete or damaged (a line cut short, a stray fragment), or undefined. */
function deliveryEntryProblem(line: string, e: Entry): string | undefined {
  const text = (name: FieldName) => {
    const f = e.fields.find((x) => x.name === name);
    return f ? line.slice(f.start, f.end) : undefined;
  };
  const rest = line.slice(e.start + 21 + e.kind.length, e.end);
  switch (e.kind) {
    case 'init':
      // `init, ` with the null sender, written as the SMTP log writes it (trailing space trimmed).
      return rest === ',' || ENVELOPE_ADDRESS.test(rest) ? undefined : 'incomplete sender address';
    case 'try':
      return /^\d+$/.test(text('id') ?? '') && /^(local|remote)$/.test(text('channel') ?? '') && (text('address') ?? '').length > 0
        ? undefined : 'incomplete delivery attempt';
    case 'result':
      return /^\d+$/.test(text('id') ?? '') && OUTCOMES.has(text('outcome') ?? '') && (text('text') ?? '').length > 0
        ? undefined : 'incomplete delivery result';
    default:
      return /^[a-z_]{2,}$/.test(e.kind) && rest.startsWith(', ') ? undefined : 'incomplete delivery log entry (unknown kind)';
  }
}

function parseDeliveryEntry(line: string, s: number, e: number): Entry {
  const fields: Field[] = [{ name: 'timestamp', start: s, end: s + 19 }];
  const time = parseIsoLocal(line, s);
  const kindStart = s + 21;
  let kindEnd = commaSpace(line, kindStart, e);
  const detailStart = kindEnd < 0 ? e : kindEnd + 2;
  if (kindEnd < 0) kindEnd = line.charCodeAt(e - 1) === 44 ? e - 1 : e;
  const kind = line.slice(kindStart, kindEnd);
  fields.push({ name: 'kind', start: kindStart, end: kindEnd });
  if (kind === 'init') {
    addressField(line, detailStart, e, fields);
  } else if (kind === 'try' || kind === 'result') {
    const c1 = commaSpace(line, detailStart, e);
    const idEnd = c1 < 0 ? e : c1;
    fields.push({ name: 'id', start: detailStart, end: idEnd });
    if (c1 >= 0) {
      const s2 = c1 + 2;
      const c2 = commaSpace(line, s2, e);
      fields.push({ name: kind === 'try' ? 'channel' : 'outcome', start: s2, end: c2 < 0 ? e : c2 });
      if (c2 >= 0) {
        if (kind === 'try') addressField(line, c2 + 2, e, fields);
        else fields.push({ name: 'text', start: c2 + 2, end: e });
      }
    }
  } else if (detailStart < e) {
    fields.push({ name: 'detail', start: detailStart, end: e });
  }
  return { format: 'delivery', kind, start: s, end: e, time, fields };
}
