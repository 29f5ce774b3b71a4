import { Entry, Field, FieldName, ParsedLine, SpamdykeStamp } from './entry';
import { skipLeading, trimmedEnd } from './parseCommon';
import { parseSyslogStamp } from './time';

// A classic syslog stamp, or RFC 3339 as rsyslog writes by default (see parseSyslogStamp).
const ENTRY_START = /(?:^|[ \t])((?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2}(?:\.\d{1,9})?|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?) \S+ spamdyke\[\d+\]: )/g;
const LABELS: Array<[string, FieldName]> = [
  [' from: ', 'from'], [' to: ', 'to'], [' origin_ip: ', 'origin_ip'], [' origin_rdns: ', 'origin_rdns'],
  [' auth: ', 'auth'], [' encryption: ', 'encryption'], [' reason: ', 'reason'],
];

/** Parses one physical line of the spamdyke log (syslog lines; a classic stamp has no year). */
export function parseSpamdykeLine(line: string): ParsedLine {
  const end = trimmedEnd(line);
  const first = skipLeading(line);
  let starts: number[];
  if (parseSyslogStamp(line, first) && line.indexOf(' spamdyke[', first) > 0 && line.indexOf(' spamdyke[', line.indexOf(' spamdyke[', first) + 10) < 0) {
    starts = [first];
  } else {
    starts = [];
    ENTRY_START.lastIndex = first;
    let m: RegExpExecArray | null;
    while ((m = ENTRY_START.exec(line))) starts.push(m.index + m[0].length - m[1].length);
  }
  if (starts.length === 0) {
    return line.slice(0, end).trim() ? { entries: [], problem: 'not a spamdyke log line' } : { entries: [] };
  }
  const entries: Entry[] = [];
  const stamps: SpamdykeStamp[] = [];
  let problem: string | undefined;
  for (let k = 0; k < starts.length; k++) {
    const s = starts[k];
    const e = k + 1 < starts.length ? trimmedEnd(line, s, starts[k + 1]) : end;
    const stamp = parseSyslogStamp(line, s);
    if (!stamp) {
      problem = 'not a spamdyke log line';
      continue;
    }
    const entry = parseSpamdykeEntry(line, s, e, stamp.length);
    if (!entry) {
      problem = 'not a spamdyke log line';
      continue;
    }
    const broken = spamdykeEntryProblem(line, entry);
    if (broken) {
      problem = broken;
      continue;
    }
    entries.push(entry);
    stamps.push(stamp);
  }
  return problem ? { entries, stamps, problem } : { entries, stamps };
}

function parseSpamdykeEntry(line: string, s: number, e: number, stampLength: number): Entry | undefined {
  const fields: Field[] = [{ name: 'timestamp', start: s, end: s + stampLength }];
  if (line.charCodeAt(s + stampLength) !== 32) return undefined;
  const hostStart = s + stampLength + 1;
  const hostEnd = line.indexOf(' ', hostStart);
  if (hostEnd < 0 || hostEnd >= e) return undefined;
  fields.push({ name: 'host', start: hostStart, end: hostEnd });
  const progStart = hostEnd + 1;
  const bracket = line.indexOf('[', progStart);
  const close = line.indexOf(']: ', bracket);
  if (bracket < 0 || close < 0 || close >= e) return undefined;
  fields.push({ name: 'program', start: progStart, end: bracket });
  fields.push({ name: 'pid', start: bracket + 1, end: close });
  const verdictStart = close + 3;
  let verdictEnd = line.indexOf(' ', verdictStart);
  if (verdictEnd < 0 || verdictEnd > e) verdictEnd = e;
  if (line.charCodeAt(verdictEnd - 1) === 58) verdictEnd--; // `ERROR: ...` style messages
  fields.push({ name: 'verdict', start: verdictStart, end: verdictEnd });
  const kind = line.slice(verdictStart, verdictEnd);
  if (!line.startsWith(' from: ', verdictEnd) && !VERDICT_CODE.test(kind)) {
    // A diagnostic line (FILTER_*, ERROR, DEBUG, ...): free text after the code, no envelope.
    // After `ERROR(...):` the text starts past the colon and its space.
    const textStart = Math.min(verdictEnd + (line.charCodeAt(verdictEnd) === 58 ? 2 : 1), e);
    if (textStart < e) fields.push({ name: 'text', start: textStart, end: e });
    return { format: 'spamdyke', kind, start: s, end: e, time: NaN, fields };
  }
  let at = verdictEnd;
  const found: Array<[number, string, FieldName]> = [];
  for (const [label, name] of LABELS) {
    const i = line.indexOf(label, at);
    if (i < 0 || i >= e) continue;
    found.push([i, label, name]);
    at = i + label.length - 1;
  }
  for (let k = 0; k < found.length; k++) {
    const [i, label, name] = found[k];
    const valueStart = i + label.length;
    const valueEnd = k + 1 < found.length ? found[k + 1][0] : e;
    fields.push({ name: 'label', start: i + 1, end: i + label.length - 1 });
    fields.push({ name, start: Math.min(valueStart, valueEnd), end: valueEnd });
  }
  if (found.length === 0 && verdictEnd < e) fields.push({ name: 'text', start: verdictEnd + 1, end: e });
  return { format: 'spamdyke', kind, start: s, end: e, time: NaN, fields };
}

/**
 * Codes of verdict lines, which spamdyke writes with the envelope after them. Such a code
 * without ` from: ` after it is a verdict line cut short, not a diagnostic.
 */
const VERDICT_CODE = /^(?:ALLOWED|DENIED|TIMEOUT)/;

/**
 * Whether a spamdyke entry is a diagnostic rather than a verdict: the lines spamdyke writes at
 * its verbose, debug and error log levels (`FILTER_RBL_MATCH ip: ...`, `ERROR(...): ...`). They
 * name no envelope and stand for no message, so correlation leaves them out.
 */
export function isSpamdykeDiagnostic(e: Entry): boolean {
  return !VERDICT_CODE.test(e.kind) && !e.fields.some((f) => f.name === 'from');
}

const LABEL_NAMES: FieldName[] = LABELS.map(([, name]) => name);
const FULL_QP_REASON = /^250_ok_\d+_qp_\d+$/;

/** A verdict line with an envelope names all seven fields; a cut line does not. */
function spamdykeEntryProblem(line: string, e: Entry): string | undefined {
  if (!/^[A-Z][A-Z0-9_]*$/.test(e.kind)) return undefined;
  // All seven fields (spamdyke 5), or the first five or six, up to `auth:` or `encryption:`
  // (spamdyke 4 logs no reason, and its early versions no encryption); anything else is a line
  // cut short.
  const names = e.fields.filter((f) => f.name !== 'label' && LABEL_NAMES.includes(f.name)).map((f) => f.name);
  const complete = names.length === 0 || (names.length >= 5 && names.every((n, i) => n === LABEL_NAMES[i]));
  if (!complete) return 'incomplete spamdyke line (fields missing)';
  const reason = e.fields.find((f) => f.name === 'reason');
  if (reason) {
    const r = line.slice(reason.start, reason.end);
    if (r.startsWith('250_ok_') && /^250_ok_\d/.test(r) && !FULL_QP_REASON.test(r)) return 'incomplete spamdyke reason';
  }
  return undefined;
}
