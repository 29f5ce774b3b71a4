// The indexing parser: scans the bytes of a log line by line and reports its entries to the
// table builders, decoding only the few values correlation needs (addresses, verdicts, IPs).
// Lines of the usual shape take the byte path; anything else (entries run together, junk
// before an entry, damaged lines) goes through the full parser, so both agree by construction
// on the unusual and by test on the usual.
import { ByteInterner, Column, f64, Interner, u32, u8 } from './columns';
import { Entry, LogFormat, SpamdykeStamp, fieldOf, normalizeAddress } from './entry';
import { parseLine } from './fileParser';
import { isSpamdykeDiagnostic } from './spamdyke';
import { FileProblems, LINE_BLOCK, LineKind, OUTCOME_CODE, ParsedLogFile } from './model';
import { DeliveryBuilder, SmtpBuilder, SpamdykeBuilder } from './tables';
import { daysFromCivil } from './time';

const MAX_PROBLEM_SAMPLES = 20;
const SP = 32, TAB = 9, CR = 13, COMMA = 44, COLON = 58, DASH = 45, LT = 60, GT = 62, AT = 64, RBRACKET = 93;
const MONTH_CODES = new Map<number, number>();
['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].forEach((m, i) => {
  MONTH_CODES.set((m.charCodeAt(0) << 16) | (m.charCodeAt(1) << 8) | m.charCodeAt(2), i + 1);
});
const SMTP_KIND_LINE: Record<string, LineKind> = {
  from: LineKind.SmtpFrom, to: LineKind.SmtpTo, resp: LineKind.SmtpResp, check: LineKind.SmtpCheck, size: LineKind.SmtpSize,
};
const DELIVERY_KIND_LINE: Record<string, LineKind> = { init: LineKind.DeliveryInit, try: LineKind.DeliveryTry, result: LineKind.DeliveryResult };
const SPAMDYKE_LABELS = [' from: ', ' to: ', ' origin_ip: ', ' origin_rdns: ', ' auth: ', ' encryption: ', ' reason: '].map((l) => Buffer.from(l));
const QP_REASON = /^250_ok_(\d+)_qp_(\d+)$/;

function isDigit(b: number): boolean {
  return b >= 48 && b <= 57;
}

function d2(buf: Buffer, p: number): number {
  const a = buf[p] - 48, b = buf[p + 1] - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** Parses the digits [s, e) as a number; NaN if any is not a digit or there are none. */
function digits(buf: Buffer, s: number, e: number): number {
  if (s >= e || e - s > 15) return NaN;
  let n = 0;
  for (let i = s; i < e; i++) {
    const c = buf[i] - 48;
    if (c < 0 || c > 9) return NaN;
    n = n * 10 + c;
  }
  return n;
}

const SPAMDYKE_PROGRAM = Buffer.from(' spamdyke[');

/** A process id as the tables keep it: 0 for none or one out of range. */
function pidNumber(n: number): number {
  return n > 0 && n <= 0xffffffff ? n : 0;
}

/** First `, ` in buf[from, end), or -1 (a loop: the distances are short, a native call costs more). */
function commaSpace(buf: Buffer, from: number, end: number): number {
  for (let i = from; i < end - 1; i++) if (buf[i] === COMMA && buf[i + 1] === SP) return i;
  return -1;
}

/**
 * Bytes the fast path takes as an address: no space, control character or angle bracket, and
 * no UTF-8 sequence of a Unicode space (the full parser's notion of white space). Anything
 * else is left to the full parser.
 */
function plainAddress(buf: Buffer, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const b = buf[i];
    if (b <= SP || b === 0x7f || b === LT || b === GT) return false;
    if (b >= 0xc2 && unicodeSpaceAt(buf, i)) return false;
  }
  return true;
}

/** U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF in UTF-8. */
function unicodeSpaceAt(buf: Buffer, i: number): boolean {
  const b = buf[i], c = buf[i + 1], d = buf[i + 2];
  switch (b) {
    case 0xc2: return c === 0xa0;
    case 0xe1: return c === 0x9a && d === 0x80;
    case 0xe2: return (c === 0x80 && ((d >= 0x80 && d <= 0x8a) || d === 0xa8 || d === 0xa9 || d === 0xaf)) || (c === 0x81 && d === 0x9f);
    case 0xe3: return c === 0x80 && d === 0x80;
    case 0xef: return c === 0xbb && d === 0xbf;
    default: return false;
  }
}

/** The end of `.123456` (1–9 digits) at p, p itself when there is none, -1 for a bare dot. */
function fractionEnd(buf: Buffer, p: number): number {
  if (buf[p] !== 46) return p;
  let n = 0;
  while (n < 9 && isDigit(buf[p + 1 + n])) n++;
  return n ? p + 1 + n : -1;
}

function byteAt(buf: Buffer, b: number, from: number, end: number): number {
  for (let i = from; i < end; i++) if (buf[i] === b) return i;
  return -1;
}

/** Whether the bytes of `word` stand at buf[at]. */
function bytesAre(buf: Buffer, at: number, word: Buffer): boolean {
  for (let i = 0; i < word.length; i++) if (buf[at + i] !== word[i]) return false;
  return true;
}

const LOCAL = Buffer.from('local'), REMOTE = Buffer.from('remote');
const SUCCESS = Buffer.from('success'), DEFERRAL = Buffer.from('deferral'), FAILURE = Buffer.from('failure');
const QUEUED_PREFIX = Buffer.from('250 ok '), QP_REASON_PREFIX = Buffer.from('250_ok_');
const ALLOWED = Buffer.from('ALLOWED'), DENIED = Buffer.from('DENIED'), TIMEOUT = Buffer.from('TIMEOUT');
const ERROR_WORD = Buffer.from('ERROR'), DEBUG_WORD = Buffer.from('DEBUG'), EXCESSIVE_WORD = Buffer.from('EXCESSIVE');

export class LogScanner {
  private readonly offsets: Column<Float64Array | Uint32Array>;
  private readonly kinds: Column<Uint8Array>;
  private lineNo = 0;
  private readonly problems: FileProblems = { count: 0, samples: [] };
  private readonly smtp = new SmtpBuilder();
  private readonly delivery = new DeliveryBuilder();
  private readonly spamdyke = new SpamdykeBuilder();
  private lastDate = -1;
  private lastDays = 0;
  private readonly labelAt = new Int32Array(7);
  private readonly valueEnd = new Int32Array(7);
  private readonly emptyAddress: number;
  private addressEnd = 0;
  private stampMonth = 0;
  private stampDay = 0;
  private stampSeconds = 0;
  private stampYear = 0;
  private pid = 0;

  private readonly addresses: ByteInterner;
  private readonly values: ByteInterner;

  constructor(readonly format: LogFormat, private readonly strings: Interner, expectedBytes = 0) {
    this.addresses = strings.bytes('address', normalizeAddress);
    this.values = strings.bytes('value', (raw) => raw);
    this.emptyAddress = strings.id('');
    const lines = Math.min(Math.ceil(expectedBytes / 60) + 16, 1 << 16);
    const blocks = Math.ceil(lines / LINE_BLOCK) + 1;
    this.offsets = expectedBytes < 0xffffffff ? u32(blocks) : f64(blocks);
    this.kinds = u8(lines);
  }

  /**
   * Scans the complete lines of buf[start, end) (end just after a line break, or the file's end).
   * Lines end at `\n`, `\r\n` or a `\r` alone, as the editor counts them (core/lineBreaks.ts).
   */
  scan(buf: Buffer, start: number, end: number, baseOffset: number): void {
    let pos = start;
    // The next '\r' at or after pos (end if none): looked up again only once passed, so a log
    // without any costs one search per call.
    let cr = -1;
    while (pos < end) {
      let nl = buf.indexOf(10, pos);
      if (nl < 0 || nl >= end) nl = end;
      if (cr < pos) {
        cr = buf.indexOf(CR, pos);
        if (cr < 0 || cr >= end) cr = end;
      }
      let le = nl, next = nl + 1;
      if (cr < nl - 1) {
        // A '\r' alone ends the line.
        le = cr;
        next = cr + 1;
      } else if (le > pos && buf[le - 1] === CR) le--;
      let ls = pos;
      if (baseOffset + pos === 0 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) ls = 3;
      if (this.lineNo % LINE_BLOCK === 0) this.offsets.push(baseOffset + pos);
      this.line(buf, ls, le);
      pos = next;
    }
  }

  /**
   * After the first part of a file: makes room for the whole file in one step, extrapolating
   * from what that part held, so that columns are not copied again and again as they grow.
   */
  reserveFor(totalBytes: number, scannedBytes: number): void {
    if (scannedBytes <= 0 || totalBytes <= scannedBytes) return;
    const factor = totalBytes / scannedBytes;
    for (const c of [this.offsets, this.kinds]) c.reserve(Math.ceil(c.length * factor * 1.03) + 64);
    (this.format === 'smtp' ? this.smtp : this.format === 'delivery' ? this.delivery : this.spamdyke).columns.reserve(factor);
  }

  finish(byteLength: number): ParsedLogFile {
    this.offsets.push(byteLength);
    const offsets = this.offsets.finish();
    return {
      format: this.format,
      lineCount: this.lineNo,
      byteLength,
      blockOffsets: offsets,
      lineKinds: this.kinds.finish(),
      problems: this.problems,
      smtp: this.format === 'smtp' ? this.smtp.finish() : undefined,
      delivery: this.format === 'delivery' ? this.delivery.finish() : undefined,
      spamdyke: this.format === 'spamdyke' ? this.spamdyke.finish() : undefined,
    };
  }

  private line(buf: Buffer, ls: number, le: number): void {
    const lineNo = this.lineNo++;
    let p = ls, e = le;
    while (p < e && (buf[p] === SP || buf[p] === TAB)) p++;
    while (e > p && (buf[e - 1] === SP || buf[e - 1] === TAB)) e--;
    if (p === e) {
      this.blank();
      return;
    }
    const fast = this.format === 'spamdyke' ? this.spamdykeFast(buf, p, e, lineNo) : this.isoFast(buf, p, e, lineNo);
    if (!fast) this.slowPath(buf.toString('utf8', ls, le), lineNo);
  }

  private blank(): void {
    this.kinds.push(LineKind.Blank);
    this.endGroup();
  }

  private endGroup(): void {
    this.smtp.endGroup();
    this.delivery.endGroup();
  }

  private problem(lineNo: number, reason: string): void {
    this.problems.count++;
    if (this.problems.samples.length < MAX_PROBLEM_SAMPLES) this.problems.samples.push({ line: lineNo, reason });
  }

  private isoTime(buf: Buffer, p: number): number {
    if (buf[p + 4] !== DASH || buf[p + 7] !== DASH || buf[p + 10] !== SP || buf[p + 13] !== COLON || buf[p + 16] !== COLON) return -1;
    const y1 = d2(buf, p), y2 = d2(buf, p + 2), mo = d2(buf, p + 5), dd = d2(buf, p + 8);
    if (y1 < 0 || y2 < 0 || mo < 0 || dd < 0) return -1;
    const date = y1 * 1000000 + y2 * 10000 + mo * 100 + dd;
    const h = d2(buf, p + 11), m = d2(buf, p + 14), s = d2(buf, p + 17);
    if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 60) return -1;
    if (date !== this.lastDate) {
      const y = Math.floor(date / 10000), mo = Math.floor(date / 100) % 100, d = date % 100;
      if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31) return -1;
      this.lastDate = date;
      this.lastDays = daysFromCivil(y, mo, d);
    }
    return this.lastDays * 86400 + h * 3600 + m * 60 + s;
  }

  /** True if another `YYYY-MM-DD HH:MM:SS, ` entry starts after `from` (entries run together). */
  private hasSecondEntry(buf: Buffer, from: number, le: number): boolean {
    for (let i = byteAt(buf, COLON, from, le); i >= 0; i = byteAt(buf, COLON, i + 1, le)) {
      if (i + 6 < le + 1 && buf[i + 3] === COLON && buf[i + 6] === COMMA && buf[i - 6] === DASH && (buf[i - 14] === SP || buf[i - 14] === TAB)) return true;
    }
    return false;
  }

  private address(buf: Buffer, s: number, e: number): number {
    return this.addresses.id(buf, s, e);
  }

  /** `<...>` with nothing but an address inside, as [s, e); returns the inner start or -1. */
  private bracketed(buf: Buffer, s: number, e: number): number {
    if (buf[s] !== LT || buf[e - 1] !== GT || e - s < 2) return -1;
    return plainAddress(buf, s + 1, e - 1) ? s + 1 : -1;
  }

  /**
   * `<address>` or a bare `address@domain` in [s, e): the address's start, its end in
   * `addressEnd` (no array per call: this runs for every recipient), or -1.
   */
  private envelopeAddress(buf: Buffer, s: number, e: number): number {
    const inner = this.bracketed(buf, s, e);
    if (inner >= 0) {
      this.addressEnd = e - 1;
      return inner;
    }
    if (s >= e || !plainAddress(buf, s, e) || byteAt(buf, AT, s, e) < 0) return -1;
    this.addressEnd = e;
    return s;
  }

  private isoFast(buf: Buffer, p: number, e: number, lineNo: number): boolean {
    if (e - p < 23 || buf[p + 19] !== COMMA || buf[p + 20] !== SP) return false;
    const time = this.isoTime(buf, p);
    if (time < 0) return false;
    // Entries run together on one line go to the full parser. Kinds whose detail is an address,
    // a number or an id reject the space such a line has; free-text kinds check for a timestamp.
    const k = p + 21;
    return this.format === 'smtp' ? this.smtpEntry(buf, k, e, lineNo, time) : this.deliveryEntry(buf, k, e, lineNo, time);
  }

  private kindIs(buf: Buffer, k: number, e: number, word: string): boolean {
    const n = word.length;
    if (k + n + 2 > e || buf[k + n] !== COMMA || buf[k + n + 1] !== SP) return false;
    for (let i = 0; i < n; i++) if (buf[k + i] !== word.charCodeAt(i)) return false;
    return true;
  }

  private accept(kind: LineKind): true {
    this.kinds.push(kind);
    return true;
  }

  private smtpEntry(buf: Buffer, k: number, e: number, lineNo: number, time: number): boolean {
    if (e === k + 5 && buf[k] === 102 && buf[k + 1] === 114 && buf[k + 2] === 111 && buf[k + 3] === 109 && buf[k + 4] === COMMA) {
      // `from, ` with the null sender (its trailing space trimmed).
      this.smtp.from(lineNo, time, this.emptyAddress);
      return this.accept(LineKind.SmtpFrom);
    }
    const first = buf[k];
    if (first === 102 && this.kindIs(buf, k, e, 'from')) {
      const d = k + 6;
      let inner = this.bracketed(buf, d, e);
      let ie = e - 1;
      if (inner < 0) {
        inner = d;
        ie = e;
      }
      if (!plainAddress(buf, inner, ie)) return false;
      let at = inner === ie;
      for (let i = inner; i < ie && !at; i++) if (buf[i] === AT) at = true;
      if (!at) return false;
      this.smtp.from(lineNo, time, this.address(buf, inner, ie));
      return this.accept(LineKind.SmtpFrom);
    }
    if (first === 116 && this.kindIs(buf, k, e, 'to')) {
      const s = this.envelopeAddress(buf, k + 4, e);
      if (s < 0) return false;
      this.smtp.to(lineNo, time, this.address(buf, s, this.addressEnd));
      return this.accept(LineKind.SmtpTo);
    }
    if (first === 114 && this.kindIs(buf, k, e, 'resp')) {
      if (this.hasSecondEntry(buf, k, e)) return false;
      const d = k + 6;
      const code = digits(buf, d, d + 3);
      if (Number.isNaN(code) || d + 3 > e) return false;
      let epoch = NaN, qp = NaN;
      // `250 ok EPOCH qp PID`: the queue reply; a cut one goes to the full parser.
      if (code === 250 && bytesAre(buf, d, QUEUED_PREFIX) && isDigit(buf[d + 7])) {
        const q = byteAt(buf, SP, d + 7, e);
        if (q < 0 || buf[q + 1] !== 113 || buf[q + 2] !== 112 || buf[q + 3] !== SP) return false;
        epoch = digits(buf, d + 7, q);
        qp = digits(buf, q + 4, e);
        if (Number.isNaN(epoch) || Number.isNaN(qp)) return false;
      }
      this.smtp.resp(lineNo, time, code, epoch, qp);
      return this.accept(LineKind.SmtpResp);
    }
    if (first === 99 && this.kindIs(buf, k, e, 'check')) {
      if (this.hasSecondEntry(buf, k, e)) return false;
      const d = k + 7;
      const c1 = commaSpace(buf, d, e);
      if (c1 < 0) return false;
      const c2 = commaSpace(buf, c1 + 2, e);
      if (c2 < 0) return false;
      const colon = byteAt(buf, COLON, c1 + 2, c2);
      if (colon <= c1 + 2) return false;
      this.smtp.other(lineNo, time);
      return this.accept(LineKind.SmtpCheck);
    }
    if (first === 115 && this.kindIs(buf, k, e, 'size')) {
      if (Number.isNaN(digits(buf, k + 6, e))) return false;
      this.smtp.size(lineNo, time);
      return this.accept(LineKind.SmtpSize);
    }
    // A kind FORMATS.md does not name (auth, helo, ...). It stays in its transaction.
    if (!this.otherKind(buf, k, e)) return false;
    this.smtp.other(lineNo, time);
    return this.accept(LineKind.SmtpOther);
  }

  /**
   * An entry of a kind FORMATS.md does not name, as the full parsers take it: a lower-case word,
   * `, ` and a detail, which is not read; and no other entry on the line.
   */
  private otherKind(buf: Buffer, k: number, e: number): boolean {
    let ke = k;
    while (ke < e && ((buf[ke] >= 97 && buf[ke] <= 122) || buf[ke] === 95)) ke++;
    return ke - k >= 2 && ke + 1 < e && buf[ke] === COMMA && buf[ke + 1] === SP && !this.hasSecondEntry(buf, k, e);
  }

  private deliveryEntry(buf: Buffer, k: number, e: number, lineNo: number, time: number): boolean {
    if (e === k + 5 && buf[k] === 105 && buf[k + 1] === 110 && buf[k + 2] === 105 && buf[k + 3] === 116 && buf[k + 4] === COMMA) {
      // `init, ` with the null sender, as the SMTP log writes `from, `.
      this.delivery.init(lineNo, time, this.emptyAddress);
      return this.accept(LineKind.DeliveryInit);
    }
    if (this.kindIs(buf, k, e, 'init')) {
      const s = this.envelopeAddress(buf, k + 6, e);
      if (s < 0) return false;
      this.delivery.init(lineNo, time, this.address(buf, s, this.addressEnd));
      return this.accept(LineKind.DeliveryInit);
    }
    const isTry = this.kindIs(buf, k, e, 'try');
    if (isTry || this.kindIs(buf, k, e, 'result')) {
      const d = k + (isTry ? 5 : 8);
      const c1 = commaSpace(buf, d, e);
      if (c1 < 0) return false;
      const id = digits(buf, d, c1);
      const c2 = commaSpace(buf, c1 + 2, e);
      if (Number.isNaN(id) || c2 < 0 || c2 + 2 >= e) return false;
      const w = c1 + 2, wl = c2 - w;
      if (isTry) {
        const channel = wl === 5 && bytesAre(buf, w, LOCAL) ? 1 : wl === 6 && bytesAre(buf, w, REMOTE) ? 2 : 0;
        if (!channel) return false;
        let s = c2 + 2, ae = e;
        while (s < ae && buf[s] === SP) s++;
        if (buf[s] === LT && buf[ae - 1] === GT) { s++; ae--; }
        if (ae <= s || !plainAddress(buf, s, ae)) return false;
        this.delivery.try(lineNo, time, id, channel, this.address(buf, s, ae));
        return this.accept(LineKind.DeliveryTry);
      }
      const outcome = wl === 7 && bytesAre(buf, w, SUCCESS) ? OUTCOME_CODE.success
        : wl === 8 && bytesAre(buf, w, DEFERRAL) ? OUTCOME_CODE.deferral
          : wl === 7 && bytesAre(buf, w, FAILURE) ? OUTCOME_CODE.failure : 0;
      if (!outcome || this.hasSecondEntry(buf, c2, e)) return false;
      this.delivery.result(lineNo, time, id, outcome);
      return this.accept(LineKind.DeliveryResult);
    }
    if (!this.otherKind(buf, k, e)) return false;
    this.delivery.other(lineNo, time);
    return this.accept(LineKind.DeliveryOther);
  }

  /**
   * A syslog stamp at p: classic `Mon DD HH:MM:SS` (with an optional fraction), or RFC 3339
   * (`2021-03-09T11:10:37.123456+01:00`, the fraction and zone optional, the zone also as
   * `+0100`). Sets stampMonth, stampDay, stampSeconds and stampYear (0 for the classic stamp) and
   * returns the stamp's end, or -1.
   */
  private syslogStamp(buf: Buffer, p: number, e: number): number {
    if (e - p < 30) return -1;
    const month = MONTH_CODES.get((buf[p] << 16) | (buf[p + 1] << 8) | buf[p + 2]);
    if (month) {
      if (buf[p + 3] !== SP || buf[p + 6] !== SP || buf[p + 9] !== COLON || buf[p + 12] !== COLON) return -1;
      this.stampDay = buf[p + 4] === SP ? (isDigit(buf[p + 5]) ? buf[p + 5] - 48 : -1) : d2(buf, p + 4);
      this.stampYear = 0;
      this.stampMonth = month;
      return this.stampClock(buf, p + 7) ? fractionEnd(buf, p + 15) : -1;
    }
    if (buf[p + 4] !== DASH || buf[p + 7] !== DASH || buf[p + 10] !== 84 || buf[p + 13] !== COLON || buf[p + 16] !== COLON) return -1;
    const y1 = d2(buf, p), y2 = d2(buf, p + 2);
    this.stampYear = y1 < 0 || y2 < 0 ? -1 : y1 * 100 + y2;
    this.stampMonth = d2(buf, p + 5);
    this.stampDay = d2(buf, p + 8);
    if (this.stampYear < 1970 || this.stampMonth < 1 || this.stampMonth > 12 || !this.stampClock(buf, p + 11)) return -1;
    let end = fractionEnd(buf, p + 19);
    if (end < 0) return -1;
    const z = buf[end];
    if (z === 90) end++;
    else if (z === 43 || z === DASH) {
      const colon = buf[end + 3] === COLON ? 1 : 0;
      if (d2(buf, end + 1) < 0 || d2(buf, end + 3 + colon) < 0) return -1;
      end += 5 + colon;
    }
    return end;
  }

  /** `HH:MM:SS` at p into stampSeconds; false when it is not one, or stampDay is out of range. */
  private stampClock(buf: Buffer, p: number): boolean {
    const h = d2(buf, p), mi = d2(buf, p + 3), s = d2(buf, p + 6);
    this.stampSeconds = h * 3600 + mi * 60 + s;
    return this.stampDay >= 1 && this.stampDay <= 31 && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 60;
  }

  private spamdykeFast(buf: Buffer, p: number, e: number, lineNo: number): boolean {
    const stampEnd = this.syslogStamp(buf, p, e);
    if (stampEnd < 0 || buf[stampEnd] !== SP) return false;
    const hostEnd = byteAt(buf, SP, stampEnd + 1, e);
    if (hostEnd < 0) return false;
    if (!bytesAre(buf, hostEnd, SPAMDYKE_PROGRAM)) return false;
    const close = byteAt(buf, RBRACKET, hostEnd + 10, e);
    if (close < 0 || buf[close + 1] !== COLON || buf[close + 2] !== SP) return false;
    this.pid = pidNumber(digits(buf, hostEnd + 10, close));
    const vs = close + 3;
    let ve = byteAt(buf, SP, vs, e);
    if (ve < 0) ve = e;
    // spamdyke's error and debug output (`ERROR(func()@file.c:12): ...`, `DEBUG(...): ...`), which
    // at its debug level can be most of the log.
    const word = bytesAre(buf, vs, ERROR_WORD) || bytesAre(buf, vs, DEBUG_WORD) ? 5 : bytesAre(buf, vs, EXCESSIVE_WORD) ? 9 : 0;
    if (word && (buf[vs + word] === 40 || buf[vs + word] === COLON)
      && (buf[ve - 1] === COLON || !(ve + SPAMDYKE_LABELS[0].length <= e && bytesAre(buf, ve, SPAMDYKE_LABELS[0])))) {
      return this.spamdykeDiagnostic(buf, vs, ve, e, lineNo);
    }
    if (buf[ve - 1] === COLON) return false;
    for (let i = vs; i < ve; i++) {
      const b = buf[i];
      if (!((b >= 65 && b <= 90) || (b >= 48 && b <= 57 && i > vs) || (b === 95 && i > vs))) return false;
    }
    if (ve + SPAMDYKE_LABELS[0].length > e || !bytesAre(buf, ve, SPAMDYKE_LABELS[0])) return this.spamdykeDiagnostic(buf, vs, ve, e, lineNo);
    // The seven fields in their order, each value up to the next space (a value with a space
    // inside goes to the full parser). spamdyke 4 ends its lines after `auth:` or `encryption:`.
    const at = this.labelAt;
    const lastLabel = SPAMDYKE_LABELS.length - 1;
    let present = SPAMDYKE_LABELS.length;
    let pos = ve;
    for (let k = 0; k < SPAMDYKE_LABELS.length; k++) {
      if (pos === e && k >= 5) {
        present = k;
        break;
      }
      const label = SPAMDYKE_LABELS[k];
      if (pos + label.length > e || !bytesAre(buf, pos, label)) return false;
      at[k] = pos + label.length;
      if (k === lastLabel) break;
      pos = byteAt(buf, SP, at[k], e);
      if (pos < 0) {
        if (k < 4) return false;
        pos = e;
      }
      this.valueEnd[k] = pos;
    }
    const fs = at[0], fe = this.valueEnd[0];
    const ts = at[1], te = this.valueEnd[1];
    const is = at[2], ie = this.valueEnd[2];
    let epoch = NaN, qp = NaN;
    const rs = at[lastLabel], re = e;
    // A space in the last value means more text (or another entry) after it: full parser.
    if (present === SPAMDYKE_LABELS.length && byteAt(buf, SP, rs, re) >= 0) return false;
    if (present === SPAMDYKE_LABELS.length && bytesAre(buf, rs, QP_REASON_PREFIX) && isDigit(buf[rs + 7])) {
      const u = byteAt(buf, 95, rs + 7, re);
      if (u < 0 || buf[u + 1] !== 113 || buf[u + 2] !== 112 || buf[u + 3] !== 95) return false;
      epoch = digits(buf, rs + 7, u);
      qp = digits(buf, u + 4, re);
      if (Number.isNaN(epoch) || Number.isNaN(qp)) return false;
    }
    if (!plainAddress(buf, fs, fe) || !plainAddress(buf, ts, te)) return false;
    const recipient = this.address(buf, ts, te);
    this.spamdyke.record(lineNo, this.pid, this.stampMonth, this.stampDay, this.stampSeconds, this.stampYear, this.values.id(buf, vs, ve), this.address(buf, fs, fe),
      recipient, recipient !== this.emptyAddress, this.values.id(buf, is, ie), epoch, qp);
    return this.accept(LineKind.Spamdyke);
  }

  /**
   * A line whose code is not followed by the envelope: a diagnostic (see isSpamdykeDiagnostic),
   * unless the code is a verdict's (a cut line) or another entry follows on the line.
   */
  private spamdykeDiagnostic(buf: Buffer, vs: number, ve: number, e: number, lineNo: number): boolean {
    if (bytesAre(buf, vs, ALLOWED) || bytesAre(buf, vs, DENIED) || bytesAre(buf, vs, TIMEOUT)) return false;
    for (let i = ve; i < e; i++) if (buf[i] === SP && bytesAre(buf, i, SPAMDYKE_PROGRAM)) return false;
    this.spamdyke.diagnostic(lineNo, this.pid, this.stampMonth, this.stampDay, this.stampSeconds, this.stampYear);
    return this.accept(LineKind.SpamdykeDiagnostic);
  }

  /** Unusual lines: the full parser decides, and its entries feed the same builders. */
  private slowPath(text: string, lineNo: number): void {
    const parsed = parseLine(this.format, text);
    if (parsed.problem) this.problem(lineNo, parsed.problem);
    if (parsed.entries.length === 0) {
      if (parsed.problem) {
        this.kinds.push(LineKind.Unknown);
      } else {
        this.blank();
      }
      return;
    }
    const first = parsed.entries[0];
    if (this.format === 'smtp') {
      this.kinds.push(SMTP_KIND_LINE[first.kind] ?? LineKind.SmtpOther);
      for (const e of parsed.entries) this.smtpFromEntry(text, e, lineNo);
    } else if (this.format === 'delivery') {
      this.kinds.push(DELIVERY_KIND_LINE[first.kind] ?? LineKind.DeliveryOther);
      for (const e of parsed.entries) this.deliveryFromEntry(text, e, lineNo);
    } else {
      const verdicts = parsed.entries.filter((e) => !isSpamdykeDiagnostic(e)).length;
      this.kinds.push(verdicts ? LineKind.Spamdyke : LineKind.SpamdykeDiagnostic);
      parsed.entries.forEach((e, k) => {
        const stamp = parsed.stamps![k];
        if (!isSpamdykeDiagnostic(e)) this.spamdykeFromEntry(text, e, lineNo, stamp);
        else this.spamdyke.diagnostic(lineNo, this.pidOf(text, e), stamp.month, stamp.day, stamp.secondsOfDay, stamp.year);
      });
    }
  }

  private text(line: string, e: Entry, name: Parameters<typeof fieldOf>[1]): string | undefined {
    const f = fieldOf(e, name);
    return f ? line.slice(f.start, f.end) : undefined;
  }

  private smtpFromEntry(line: string, e: Entry, lineNo: number): void {
    const addr = () => this.strings.id(normalizeAddress(this.text(line, e, 'address') ?? ''));
    switch (e.kind) {
      case 'from': this.smtp.from(lineNo, e.time, addr()); break;
      case 'to': this.smtp.to(lineNo, e.time, addr()); break;
      case 'resp': {
        const qp = this.text(line, e, 'qp');
        const epoch = this.text(line, e, 'epoch');
        this.smtp.resp(lineNo, e.time, Number(this.text(line, e, 'code') ?? 0), epoch ? Number(epoch) : NaN, qp ? Number(qp) : NaN);
        break;
      }
      case 'size': this.smtp.size(lineNo, e.time); break;
      default: this.smtp.other(lineNo, e.time);
    }
  }

  private deliveryFromEntry(line: string, e: Entry, lineNo: number): void {
    const id = Number(this.text(line, e, 'id'));
    if (e.kind === 'init') {
      this.delivery.init(lineNo, e.time, this.strings.id(normalizeAddress(this.text(line, e, 'address') ?? '')));
    } else if (e.kind === 'try') {
      const ch = this.text(line, e, 'channel');
      this.delivery.try(lineNo, e.time, id, ch === 'local' ? 1 : ch === 'remote' ? 2 : 0, this.strings.id(normalizeAddress(this.text(line, e, 'address') ?? '')));
    } else if (e.kind === 'result') {
      const o = this.text(line, e, 'outcome') as keyof typeof OUTCOME_CODE;
      this.delivery.result(lineNo, e.time, id, OUTCOME_CODE[o] ?? 0);
    } else {
      this.delivery.other(lineNo, e.time);
    }
  }

  private pidOf(line: string, e: Entry): number {
    const pid = this.text(line, e, 'pid') ?? '';
    return /^\d{1,15}$/.test(pid) ? pidNumber(Number(pid)) : 0;
  }

  private spamdykeFromEntry(line: string, e: Entry, lineNo: number, stamp: SpamdykeStamp): void {
    const to = this.text(line, e, 'to');
    const recipient = this.strings.id(to !== undefined ? normalizeAddress(to) : '');
    const m = QP_REASON.exec(this.text(line, e, 'reason') ?? '');
    this.spamdyke.record(lineNo, this.pidOf(line, e), stamp.month, stamp.day, stamp.secondsOfDay, stamp.year, this.strings.id(e.kind),
      this.strings.id(normalizeAddress(this.text(line, e, 'from') ?? '')), recipient, to !== undefined && this.strings.get(recipient) !== '',
      this.strings.id(this.text(line, e, 'origin_ip') ?? ''), m ? Number(m[1]) : NaN, m ? Number(m[2]) : NaN);
  }
}
