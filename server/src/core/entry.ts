// What a parser makes of one physical line: zero or more entries (several when entries were
// run together on one line), each with the character range of every field. Parsing never
// fails: a line it does not understand gives no entries and a problem text.
import type { SyslogStamp } from './time';

export type LogFormat = 'smtp' | 'delivery' | 'spamdyke';

export type FieldName =
  | 'timestamp' | 'kind' | 'detail'
  | 'address' | 'code' | 'enhanced' | 'text' | 'quoted' | 'epoch' | 'qp'
  | 'verdict' | 'remote' | 'remoteKind' | 'ip' | 'reason' | 'size'
  | 'id' | 'channel' | 'outcome'
  | 'host' | 'program' | 'pid' | 'label'
  | 'from' | 'to' | 'origin_ip' | 'origin_rdns' | 'auth' | 'encryption';

export interface Field {
  name: FieldName;
  /** UTF-16 offsets within the line, end exclusive. */
  start: number;
  end: number;
}

export interface Entry {
  format: LogFormat;
  /** SMTP: from/to/resp/check/size or the literal kind; delivery: init/try/result; spamdyke: the verdict. */
  kind: string;
  start: number;
  end: number;
  /** Local seconds; for spamdyke without the year (seconds since Jan 1 of an unknown year is not
   * kept: see SpamdykeStamp). NaN when the entry has no usable time. */
  time: number;
  fields: Field[];
}

/** A spamdyke entry's syslog stamp (see parseSyslogStamp). */
export type SpamdykeStamp = SyslogStamp;

export interface ParsedLine {
  entries: Entry[];
  /** Set when the line is not blank and not (wholly) understood. */
  problem?: string;
  /** spamdyke only: the year-less stamp of each entry, in entry order. */
  stamps?: SpamdykeStamp[];
}

export function fieldOf(entry: Entry, name: FieldName): Field | undefined {
  for (const f of entry.fields) if (f.name === name) return f;
  return undefined;
}

export function fieldText(line: string, entry: Entry, name: FieldName): string | undefined {
  const f = fieldOf(entry, name);
  return f ? line.slice(f.start, f.end) : undefined;
}

/** Lower-cased envelope address without angle brackets; '' for the null sender. */
export function normalizeAddress(raw: string): string {
  let s = raw.trim();
  if (s.startsWith('<') && s.endsWith('>')) s = s.slice(1, -1).trim();
  if (s === '(unknown)' || s === '(none)' || s === '(empty)') return '';
  return s.toLowerCase();
}
