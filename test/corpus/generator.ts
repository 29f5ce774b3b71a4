// Seeded generator of realistic qmail + chkuser + spamdyke log downloads (three SMTP logs, the
// delivery log and the spamdyke log) together with the ground truth: which physical line of which
// file belongs to which message. Used by the correlation accuracy tests and by the benchmark.
//
// Conventions this generator fixes (see also the field comments on the types):
// - A "message" is one SMTP transaction (accepted or refused), one spamdyke line without a
//   transaction (TIMEOUT before any envelope), one locally injected delivery, or one bounce that
//   qmail generated. A graylisted attempt and the sender's later successful retry are two messages.
// - The null sender is written as `from, ` (empty detail, trailing space) in the SMTP log. In the
//   delivery log the seed fixes per corpus `init, <>` or `init, ` (as the SMTP log writes it). In
//   the spamdyke log it is written as `Corpus.spamdykeNullSender`, which the seed fixes per corpus
//   too: either `(unknown)` or the empty string (`from:  to: ...`).
// - A connection that times out after the envelope has outcome 'rejected-spamdyke' (spamdyke ended
//   it, nothing was queued); 'no-envelope' is only for a TIMEOUT line with no transaction at all.
// - Delivery IDs are handed out in time order over all attempts. 'per-message' gives each recipient
//   of a message one ID at its first try and reuses it for that recipient's retries.
// - The log ends about when the last message arrives: a retry or bounce that would fall well after
//   that is left out, and the message is then 'pending' (scenario 'deferred-pending').
import * as fs from 'node:fs';
import * as path from 'node:path';

export type FileRole = 'smtp25' | 'smtp465' | 'smtp587' | 'delivery' | 'spamdyke';
export const FILE_ROLES: readonly FileRole[] = ['smtp25', 'smtp465', 'smtp587', 'delivery', 'spamdyke'];
export const REAL_FILE_NAMES: Readonly<Record<FileRole, string>> = {
  smtp25: 'smtp_25.log', smtp465: 'smtp_465.log', smtp587: 'smtp_587.log', delivery: 'delivery.log', spamdyke: 'spamdyke.log',
};

export type Outcome = 'delivered' | 'deferred-delivered' | 'failed' | 'rejected-spamdyke' | 'rejected-smtp' | 'pending' | 'no-envelope';

export interface CorpusOptions {
  seed: number;
  messages: number;
  /** Local time of the first event, 'YYYY-MM-DD HH:MM:SS'. Default '2021-03-09 00:00:00'. */
  start?: string;
  /** The server's UTC offset; EPOCH in '250 ok EPOCH qp PID' = local time - offset. Default +60. */
  utcOffsetMinutes?: number;
  crlf?: boolean;
  /** A blank line between delivery groups, as between SMTP transactions. Default true. */
  deliveryBlankLines?: boolean;
  /** A blank line between SMTP transactions, as FORMATS.md shows; without, the next `from` ends one. Default true. */
  smtpBlankLines?: boolean;
  bom?: boolean;
  retryLayout?: 'inline' | 'separate' | 'mixed';
  deliveryIds?: 'per-attempt' | 'per-message';
  names?: 'real' | 'opaque';
  /** Fraction of SMTP transactions written as one physical line (entries joined by one space). */
  runTogether?: number;
  /** Expected garbage lines per content line, inserted between groups. */
  garbage?: number;
  /** Cut every file in the middle of its last message (the last kept line is a partial line). */
  truncate?: boolean;
  /** Average arrival rate; it varies over the day and newsletters come in bursts. Default 0.5. */
  messagesPerSecond?: number;
  /**
   * How the spamdyke log's syslog stamps look: 'classic' (`Mar  9 12:43:51`, the default) or
   * 'rfc3339' (`2021-03-09T12:43:51.123456+01:00`, rsyslog's default high-precision format).
   */
  spamdykeStamps?: 'classic' | 'rfc3339' | 'short-iso' | 'short-precise';
  /**
   * spamdyke's log level: 'info' (verdict lines only, the default) or 'verbose', which adds a
   * FILTER_* line before the verdicts of a connection whose filter fired, and now and then an
   * ERROR line of a process with no verdict at all.
   */
  spamdykeLogLevel?: 'info' | 'verbose';
  /**
   * How an internationalized domain is spelt: 'per-message' (the default: each mailbox keeps one
   * spelling, UTF-8 or punycode, in every log line of a message) or 'mixed' (each occurrence picks
   * one, so the logs of one message may disagree).
   */
  idnSpellings?: 'per-message' | 'mixed';
}

export interface TruthMessage {
  id: number;
  scenario: string;
  outcome: Outcome;
  /** 0-based physical line numbers of every line of this message in all five files. */
  lines: Array<[role: FileRole, line: number]>;
  bounceOf?: number;
  /**
   * Messages that the rules of FORMATS.md cannot tell apart from this one: a refusal or timeout
   * spamdyke line with the same second, verdict, reason, sender and recipient; or the same sender
   * and the same delivered recipients queued within 3 seconds (the delivery init has no qp key).
   */
  ambiguousWith?: number[];
  /** Set when `truncate` cut this message (its remaining lines are still listed). */
  truncated?: boolean;
}

export interface CorpusFile { role: FileRole; name: string; path: string; bytes: number }

export interface Corpus {
  dir: string;
  files: CorpusFile[];
  truth?: TruthMessage[];
  messages: number;
  /** How this corpus's spamdyke log writes the null sender: '(unknown)' or '' (always set by generateCorpus). */
  spamdykeNullSender?: string;
}

export const TRUTH_FILE = 'truth.json';

// ---------------------------------------------------------------------------------------------
// Random numbers

/** mulberry32, seeded through a splitmix-style mix of the seed and a stream number. */
export class SeededRandom {
  private state: number;

  constructor(seed: number, stream = 0) {
    const low = Math.floor(seed) >>> 0;
    const high = Math.floor(Math.floor(seed) / 4294967296) >>> 0;
    let h = low ^ Math.imul(high, 0x27d4eb2f) ^ Math.imul(stream + 1, 0x9e3779b1);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    this.state = (h ^ (h >>> 16)) >>> 0;
  }

  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number { return lo + Math.floor(this.next() * (hi - lo + 1)); }
  chance(p: number): boolean { return this.next() < p; }
  pick<T>(items: readonly T[]): T { return items[Math.floor(this.next() * items.length)]; }
  exp(mean: number): number { return -mean * Math.log(1 - this.next()); }
  hex(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += HEX[Math.floor(this.next() * 16)];
    return s;
  }
  /** Index by weights, e.g. [70, 20, 10] → 0 with 70 %. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) return i;
    }
    return weights.length - 1;
  }
}

const HEX = '0123456789abcdef';
const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Picks items with a Zipf-like popularity: a few are very common, most are rare. */
class PopularityPool<T> {
  private readonly cumulative: Float64Array;

  constructor(readonly items: T[], exponent: number) {
    this.cumulative = new Float64Array(items.length);
    let sum = 0;
    for (let i = 0; i < items.length; i++) {
      sum += 1 / Math.pow(i + 1, exponent);
      this.cumulative[i] = sum;
    }
  }

  pick(rng: SeededRandom): T {
    const x = rng.next() * this.cumulative[this.cumulative.length - 1];
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo];
  }
}

// ---------------------------------------------------------------------------------------------
// Time: all times are integer "local seconds" (the local wall clock read as if it were UTC).

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

export function parseLocalTime(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) throw new Error(`start must look like 'YYYY-MM-DD HH:MM:SS', got '${text}'`);
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(ms);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    throw new Error(`start is not a valid date and time: '${text}'`);
  }
  return ms / 1000;
}

class Clock {
  private readonly days = new Map<number, [smtp: string, syslog: string]>();

  private prefixes(day: number): [string, string] {
    let p = this.days.get(day);
    if (!p) {
      const d = new Date(day * 86400000);
      const smtp = `${d.getUTCFullYear()}-${TWO_DIGITS[d.getUTCMonth() + 1]}-${TWO_DIGITS[d.getUTCDate()]} `;
      const syslog = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} `;
      p = [smtp, syslog];
      this.days.set(day, p);
    }
    return p;
  }

  private static hms(secondOfDay: number): string {
    const h = Math.floor(secondOfDay / 3600);
    const m = Math.floor((secondOfDay % 3600) / 60);
    return `${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[secondOfDay % 60]}`;
  }

  /** 'YYYY-MM-DD HH:MM:SS' */
  smtp(t: number): string {
    const day = Math.floor(t / 86400);
    return this.prefixes(day)[0] + Clock.hms(t - day * 86400);
  }

  /** 'Mon DD HH:MM:SS' with the day space-padded. */
  syslog(t: number): string {
    const day = Math.floor(t / 86400);
    return this.prefixes(day)[1] + Clock.hms(t - day * 86400);
  }

  /** 'YYYY-MM-DDTHH:MM:SS.ffffff+HH:MM', the fraction from `micros`. */
  rfc3339(t: number, micros: number, offsetMinutes: number): string {
    return `${this.smtp(t).replace(' ', 'T')}.${String(micros).padStart(6, '0')}${Clock.zone(offsetMinutes, ':')}`;
  }

  /** As `journalctl -o short-iso` writes it: `2021-03-09T12:43:51+0100`. */
  shortIso(t: number, offsetMinutes: number): string {
    return `${this.smtp(t).replace(' ', 'T')}${Clock.zone(offsetMinutes, '')}`;
  }

  /** As `journalctl -o short-precise` writes it: `Mar 09 12:43:51.123456` (the day zero-padded). */
  shortPrecise(t: number, micros: number): string {
    return `${this.syslog(t).replace(/ ( \d) /, (_m, d: string) => ` 0${d.trim()} `)}.${String(micros).padStart(6, '0')}`;
  }

  private static zone(offsetMinutes: number, separator: string): string {
    const a = Math.abs(offsetMinutes);
    return `${offsetMinutes < 0 ? '-' : '+'}${TWO_DIGITS[Math.floor(a / 60)]}${separator}${TWO_DIGITS[a % 60]}`;
  }
}

// Share of traffic per local hour, mean 1.
const HOURLY_RATE = (() => {
  const raw = [0.35, 0.3, 0.28, 0.28, 0.3, 0.4, 0.65, 1.0, 1.4, 1.6, 1.65, 1.6, 1.45, 1.5, 1.6, 1.55, 1.45, 1.3, 1.1, 0.95, 0.85, 0.75, 0.6, 0.45];
  const mean = raw.reduce((a, b) => a + b, 0) / raw.length;
  return raw.map((r) => r / mean);
})();

// ---------------------------------------------------------------------------------------------
// Names, domains and addresses (documentation ranges and reserved names only)

const FIRST_NAMES = ['anna', 'ben', 'clara', 'david', 'emma', 'felix', 'greta', 'hannah', 'jonas', 'julia', 'karl', 'lena', 'lukas', 'maria', 'max', 'mia', 'noah', 'paul', 'sophie', 'tim', 'laura', 'elias', 'nora', 'jan', 'lisa', 'tom', 'eva', 'leon', 'ida', 'finn', 'oskar', 'frieda', 'theo', 'marta', 'henrik', 'ella'];
const LAST_NAMES = ['schmidt', 'meyer', 'weber', 'fischer', 'wagner', 'becker', 'hoffmann', 'koch', 'richter', 'klein', 'wolf', 'neumann', 'schwarz', 'braun', 'zimmermann', 'krueger', 'hartmann', 'lange', 'werner', 'krause', 'schulz', 'keller', 'vogel', 'jansen'];
const UTF8_LOCAL_PARTS = ['jürgen', 'zoë', 'søren', 'müller', 'françois', 'jörg.weiß', 'björn.öberg', 'josé', 'renée', 'çelik', 'ångström', 'łukasz', 'günther.schäfer', 'chloé'];
const ROLE_LOCAL_PARTS = ['info', 'office', 'kontakt', 'buchhaltung', 'rechnung', 'support', 'sales', 'team', 'webmaster', 'postmaster', 'jobs', 'service', 'hello', 'mail', 'verwaltung', 'empfang', 'presse'];
const GUESSED_LOCAL_PARTS = ['admin', 'test', 'marketing', 'newsletter', 'contact', 'root', 'user', 'sales-old', 'info2', 'backup', 'hr', 'ceo', 'billing', 'abuse1', 'noreply', 'accounting'];

interface HostedDomain { name: string; unicode?: string; weight: number }
// bücher.example is one domain that arrives in its UTF-8 or its punycode spelling.
const HOSTED_DOMAINS: HostedDomain[] = [
  { name: 'example.com', weight: 38 },
  { name: 'example.org', weight: 22 },
  { name: 'xn--bcher-kva.example', unicode: 'bücher.example', weight: 10 },
  { name: 'praxis-dr-berger.example', weight: 10 },
  { name: 'team.example.org', weight: 8 },
  { name: 'sportverein-musterstadt.example', weight: 7 },
  { name: 'mail.example.com', weight: 5 },
];

const REMOTE_WORDS = ['elsewhere', 'partner', 'lieferant', 'bank', 'verlag', 'shop', 'reisen', 'kanzlei', 'agentur', 'hotel', 'stadtwerke', 'versand', 'schule', 'studio', 'druckerei', 'autohaus', 'immobilien', 'software', 'cloud', 'hosting', 'media', 'market', 'travel', 'insurance', 'energy', 'logistics', 'consulting', 'freemail', 'webmail', 'uni', 'klinik', 'steuerberater', 'handwerk', 'tierarzt', 'bauamt', 'sportclub'];
const REMOTE_DOMAIN_FORMS = ['{w}.example', '{w}.example.net', 'mail.{w}.example', '{w}-gmbh.example', '{w}.test', '{w}.example.org', '{w}.de.example', 'elsewhere.example.net'];
const SPAM_DOMAINS = ['spam-source.invalid', 'cheap-offers.invalid', 'win-a-prize.test', 'pharma-deals.invalid', 'crypto-gain.test', 'bulk-mailer.invalid', 'mega-sale.invalid', 'lucky-draw.test', 'dating-now.invalid', 'seo-rank.test'];
const SPAM_LOCAL_WORDS = ['offer', 'promo', 'winner', 'deal', 'info', 'support', 'admin', 'service', 'alert', 'bonus', 'sale', 'news'];
const NEWSLETTER_SENDERS = ['news@newsletter.shop.example', 'newsletter@verlag.example', 'noreply@notifications.service.test', 'info@reisen.example.net', 'aktuell@stadtwerke.example', 'mailing@club.example.org', 'updates@software.test', 'angebote@market.example'];

interface RemoteDomain { name: string; ip: string; rdns: string; mx: string }
interface Mailbox { local: string; domain: HostedDomain }

function ip4(prefix: string, rng: SeededRandom): string { return `${prefix}.${rng.int(1, 254)}`; }
function ip6(rng: SeededRandom): string {
  return rng.chance(0.5) ? `2001:db8::${rng.int(1, 0xfff).toString(16)}` : `2001:db8:${rng.hex(rng.int(1, 4)).replace(/^0+(?=.)/, '')}::${rng.int(1, 0xff).toString(16)}`;
}

// ---------------------------------------------------------------------------------------------
// Fixed texts

const CHKUSER_NO_MAILBOX = '550 5.1.1 sorry, no mailbox here by that name (#5.1.1 - chkuser)';
const RELAY_REFUSED = "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)";
const SIZE_REFUSED = '552 sorry, that message size exceeds my databytes limit (#5.3.4)';
const DATABYTES = 26214400;

interface SpamdykeRefusal { verdict: string; reply: string }
const SPAMDYKE_REFUSALS: Record<string, SpamdykeRefusal> = {
  rdnsMissing: { verdict: 'DENIED_RDNS_MISSING', reply: '554 "Refused. You have no reverse DNS entry. Contact abuse@example.com for details."' },
  rdnsResolve: { verdict: 'DENIED_RDNS_RESOLVE', reply: '554 "Refused. Your reverse DNS entry does not resolve."' },
  ipInRdns: { verdict: 'DENIED_IP_IN_RDNS', reply: '554 "Refused. Your reverse DNS entry contains your IP address and a banned keyword."' },
  rbl: { verdict: 'DENIED_RBL_MATCH', reply: '554 "Refused. Your IP address is listed in the RBL at zen.dnsbl.example."' },
  senderNoMx: { verdict: 'DENIED_SENDER_NO_MX', reply: '554 "Refused. The domain of your sender address has no mail exchanger (MX)."' },
  graylisted421: { verdict: 'DENIED_GRAYLISTED', reply: '421 "Your address has been graylisted. Try again later."' },
  graylisted451: { verdict: 'DENIED_GRAYLISTED', reply: '451 "Your address has been graylisted. Try again later."' },
  blacklistIp: { verdict: 'DENIED_BLACKLIST_IP', reply: '554 "Refused. Your IP address is blacklisted."' },
  earlytalker: { verdict: 'DENIED_EARLYTALKER', reply: '554 "Refused. You are not following the SMTP protocol."' },
  tooMany: { verdict: 'DENIED_TOO_MANY_RECIPIENTS', reply: '452 "Too many recipients. Try the remaining addresses again later."' },
  relaying: { verdict: 'DENIED_RELAYING', reply: '554 "Refused. Sending to remote addresses (relaying) is not allowed."' },
  authRequired: { verdict: 'DENIED_AUTH_REQUIRED', reply: '554 "Refused. Authentication is required to send mail."' },
};

const LOCAL_SUCCESS = ['did_0+0+1/', 'did_1+0+0/', 'did_0+1+0/', 'did_1+0+1/', 'did_0+1+1/'];
const LOCAL_SUCCESS_WEIGHTS = [82, 7, 3, 5, 3];

function underscored(text: string): string { return text.replace(/ /g, '_'); }

// ---------------------------------------------------------------------------------------------
// Intermediate records

// The entries of a transaction are kept as one string joined by '\n' (far fewer objects to hold).
interface SmtpGroup { port: number; start: number; seq: number; msg: number; text: string; count: number }
// Rendered only when written, so that the whole log is not held as strings.
interface SpamdykeLine { t: number; seq: number; msg: number; conn: Connection; verdict: string; from: string; to: string; reason: string }
interface Attempt { t: number; seq: number; id: number; origin: Attempt | null }
const INIT = 0;
const TRY = 1;
const RESULT = 2;
interface DeliveryEntry { t: number; kind: number; text: string; attempt: Attempt | null }
interface DeliveryGroup { first: number; seq: number; msg: number; entries: DeliveryEntry[] }

interface MessageRecord {
  id: number;
  scenario: string;
  outcome: Outcome;
  bounceOf?: number;
  deniedKeys?: string[];
  queueTime?: number;
  queueKey?: string;
}

interface Connection { ip: string; rdns: string; remote: string; auth: string; encryption: string; pid: number }

type RcptAction = 'accept' | 'relay' | 'chkuser-reject' | 'relay-reject' | 'deny';
interface RcptPlan { addr: string; action: RcptAction; refusal?: SpamdykeRefusal }
type DataEnd = 'queue' | 'size' | 'timeout';

interface DeliveryRecipient { addr: string; remote: boolean; domain: string }
type DeliveryPlan =
  | { kind: 'success' }
  | { kind: 'failure' }
  | { kind: 'deferral'; final: 'success' | 'failure' | 'pending' };
interface DeliveryResult { outcome: Outcome; failedAt: number | null }

// Port index: 0 = 25, 1 = 465, 2 = 587 (also the index into FILE_ROLES).
const PORT25 = 0;
const PORT465 = 1;
const PORT587 = 2;

// ---------------------------------------------------------------------------------------------
// Scenario table: weights are per event; some events produce several messages.

interface ScenarioSpec { name: string; weight: number; minBudget: number }
const SCENARIOS: ScenarioSpec[] = [
  { name: 'inbound-delivered', weight: 58, minBudget: 1 },
  { name: 'inbound-bounce', weight: 1.5, minBudget: 1 },
  { name: 'chkuser-partial', weight: 3.5, minBudget: 1 },
  { name: 'chkuser-rejected', weight: 3, minBudget: 1 },
  { name: 'rdns-denied', weight: 6, minBudget: 1 },
  { name: 'rdns-resolve-denied', weight: 2, minBudget: 1 },
  { name: 'ip-in-rdns-denied', weight: 2, minBudget: 1 },
  { name: 'rbl-denied', weight: 6, minBudget: 1 },
  { name: 'sender-no-mx-denied', weight: 1.5, minBudget: 1 },
  { name: 'graylisted', weight: 4, minBudget: 1 },
  { name: 'blacklist-ip-denied', weight: 1, minBudget: 1 },
  { name: 'earlytalker-denied', weight: 1, minBudget: 1 },
  { name: 'too-many-recipients', weight: 0.6, minBudget: 1 },
  { name: 'relaying-denied', weight: 0.8, minBudget: 1 },
  { name: 'relay-refused', weight: 1, minBudget: 1 },
  { name: 'auth-required-denied', weight: 0.6, minBudget: 1 },
  { name: 'size-refused', weight: 0.7, minBudget: 1 },
  { name: 'timeout-no-envelope', weight: 3, minBudget: 1 },
  { name: 'timeout-after-envelope', weight: 0.8, minBudget: 1 },
  { name: 'submission-remote', weight: 9, minBudget: 1 },
  { name: 'submission-local', weight: 3, minBudget: 1 },
  { name: 'local-injected', weight: 4, minBudget: 1 },
  { name: 'deferred-then-delivered', weight: 2.2, minBudget: 1 },
  { name: 'deferred-then-failed', weight: 0.9, minBudget: 2 },
  { name: 'deferred-pending', weight: 0.5, minBudget: 1 },
  { name: 'failed', weight: 1.2, minBudget: 2 },
  { name: 'newsletter-repeat-denied', weight: 0.6, minBudget: 2 },
  { name: 'newsletter-repeat-delivered', weight: 0.6, minBudget: 2 },
  { name: 'newsletter-fanout', weight: 0.45, minBudget: 3 },
];
const SCENARIO_WEIGHTS = SCENARIOS.map((s) => s.weight);

// ---------------------------------------------------------------------------------------------
// The generator

class Generator {
  private readonly rng: SeededRandom;       // message content
  private readonly layoutRng: SeededRandom; // retry layout of each message
  private readonly clock = new Clock();
  private readonly offsetSeconds: number;
  private readonly rate: number;
  private readonly retryLayout: 'inline' | 'separate' | 'mixed';

  readonly smtpGroups: SmtpGroup[] = [];
  readonly spamdykeLines: SpamdykeLine[] = [];
  readonly deliveryGroups: DeliveryGroup[] = [];
  readonly attempts: Attempt[] = [];
  readonly messages: MessageRecord[] = [];

  readonly host: string;
  readonly nullSenderInSpamdyke: string;
  /** The detail of a delivery `init` for the null sender: `<>`, or empty as in the SMTP log. */
  private readonly nullSenderInit: string;
  private seq = 0;
  private pid: number;
  private remaining = 0;
  private estimatedEnd = 0;

  private readonly mailboxes: PopularityPool<Mailbox>;
  private readonly authUsers: PopularityPool<Mailbox>;
  private readonly remoteDomains: RemoteDomain[];
  private readonly mxByDomain = new Map<string, string>();
  private readonly correspondents: PopularityPool<{ addr: string; domain: RemoteDomain }>;
  private readonly remoteRecipients: PopularityPool<{ addr: string; domain: RemoteDomain }>;

  constructor(private readonly options: CorpusOptions) {
    this.rng = new SeededRandom(options.seed, 1);
    this.layoutRng = new SeededRandom(options.seed, 2);
    const aux = new SeededRandom(options.seed, 3);
    this.host = aux.pick(['server', 'mx', 'mail', 'h2841', 'web01', 'srv12', 'node7']);
    this.nullSenderInSpamdyke = aux.chance(0.5) ? '(unknown)' : '';
    this.offsetSeconds = (options.utcOffsetMinutes ?? 60) * 60;
    this.rate = options.messagesPerSecond ?? 0.5;
    if (!(this.rate > 0)) throw new Error('messagesPerSecond must be positive');
    this.retryLayout = options.retryLayout ?? 'mixed';
    this.pid = aux.int(1000, 30000);
    this.nullSenderInit = aux.chance(0.5) ? '<>' : '';

    const pools = new SeededRandom(options.seed, 4);
    this.mailboxes = new PopularityPool(this.makeMailboxes(pools, 360), 0.9);
    this.authUsers = new PopularityPool(this.makeMailboxes(pools, 120), 0.8);
    this.remoteDomains = this.makeRemoteDomains(pools, 180);
    for (const d of this.remoteDomains) this.mxByDomain.set(d.name, d.mx);
    const domainPool = new PopularityPool(this.remoteDomains, 0.9);
    const correspondents: Array<{ addr: string; domain: RemoteDomain }> = [];
    const seen = new Set<string>();
    while (correspondents.length < 2600) {
      const domain = domainPool.pick(pools);
      // Mailing services use long per-recipient return paths (VERP).
      const local = pools.chance(0.14)
        ? `${pools.pick(['bounce', 'bounces', 'return', 'msprvs1', 'pm_bounces'])}${pools.pick(['+', '-', '='])}${pools.hex(pools.int(8, 16))}-${pools.int(1000, 999999)}`
        : this.personLocalPart(pools, 0.05);
      const addr = `${local}@${pools.chance(0.14) ? `${pools.pick(['em', 'mail', 'news', 'mta', 'bnc'])}${pools.int(1, 40)}.` : ''}${domain.name}`;
      if (seen.has(addr)) continue;
      seen.add(addr);
      correspondents.push({ addr, domain });
    }
    this.correspondents = new PopularityPool(correspondents, 0.85);
    const recipients: Array<{ addr: string; domain: RemoteDomain }> = [];
    while (recipients.length < 1600) {
      const domain = domainPool.pick(pools);
      const addr = `${this.personLocalPart(pools, 0.04)}@${domain.name}`;
      if (seen.has(addr)) continue;
      seen.add(addr);
      recipients.push({ addr, domain });
    }
    this.remoteRecipients = new PopularityPool(recipients, 0.85);
  }

  // ---- pools

  private personLocalPart(rng: SeededRandom, utf8Share: number): string {
    if (rng.chance(utf8Share)) return rng.pick(UTF8_LOCAL_PARTS);
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    switch (rng.weighted([46, 15, 9, 7, 11, 12])) {
      case 0: return `${first}.${last}`;
      case 1: return `${first[0]}.${last}`;
      case 2: return first;
      case 3: return `${first}${rng.int(1, 99)}`;
      case 4: return `${first}-${last}`;
      default: return rng.pick(ROLE_LOCAL_PARTS);
    }
  }

  private makeMailboxes(rng: SeededRandom, count: number): Mailbox[] {
    const out: Mailbox[] = [];
    const seen = new Set<string>();
    const weights = HOSTED_DOMAINS.map((d) => d.weight);
    while (out.length < count) {
      const domain = HOSTED_DOMAINS[rng.weighted(weights)];
      const local = this.personLocalPart(rng, domain.unicode ? 0.4 : 0.06);
      const key = `${local}@${domain.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ local, domain });
    }
    return out;
  }

  private makeRemoteDomains(rng: SeededRandom, count: number): RemoteDomain[] {
    const out: RemoteDomain[] = [];
    const seen = new Set<string>();
    const providerIps: string[] = [];
    while (out.length < count) {
      const name = rng.pick(REMOTE_DOMAIN_FORMS).replace('{w}', rng.pick(REMOTE_WORDS));
      if (seen.has(name)) continue;
      seen.add(name);
      let ip: string;
      if (providerIps.length > 4 && rng.chance(0.25)) ip = rng.pick(providerIps);
      else {
        ip = rng.chance(0.14) ? ip6(rng) : ip4(rng.chance(0.8) ? '198.51.100' : '203.0.113', rng);
        providerIps.push(ip);
      }
      const rdns = rng.chance(0.03) ? '(unknown)' : `${rng.pick(['mail', 'mx', 'smtp', 'out', 'mta-' + rng.int(1, 40)])}.${name}`;
      out.push({ name, ip, rdns, mx: `192.0.2.${rng.int(1, 254)}` });
    }
    return out;
  }

  private mailboxAddress(box: Mailbox): string {
    const domain = box.domain.unicode && this.rng.chance(0.5) ? box.domain.unicode : box.domain.name;
    return `${box.local}@${domain}`;
  }

  private distinctMailboxes(count: number): string[] {
    const out: string[] = [];
    for (let guard = 0; out.length < count && guard < 50; guard++) {
      const box = this.mailboxes.pick(this.rng);
      const addr = this.mailboxAddress(box);
      if (!out.some((a) => sameMailbox(a, addr))) out.push(addr);
    }
    return out;
  }

  private nonexistentMailbox(): string {
    const domain = HOSTED_DOMAINS[this.rng.weighted(HOSTED_DOMAINS.map((d) => d.weight))];
    const local = this.rng.chance(0.5) ? this.rng.pick(GUESSED_LOCAL_PARTS)
      : this.rng.chance(0.5) ? `${this.rng.pick(FIRST_NAMES)}${this.rng.int(100, 9999)}`
        : this.randomWord(this.rng.int(5, 9));
    return `${local}@${domain.unicode && this.rng.chance(0.5) ? domain.unicode : domain.name}`;
  }

  private randomWord(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += ALNUM[this.rng.int(0, 25 + (i > 0 ? 10 : 0))];
    return s;
  }

  private spamSender(): string {
    const r = this.rng.weighted([40, 30, 30]);
    const domain = this.rng.chance(0.7) ? this.rng.pick(SPAM_DOMAINS) : `${this.randomWord(this.rng.int(6, 10))}.${this.rng.pick(['invalid', 'test', 'example'])}`;
    if (r === 0) return `${this.rng.pick(SPAM_LOCAL_WORDS)}${this.rng.int(1, 999)}@${domain}`;
    if (r === 1) return `${this.randomWord(this.rng.int(6, 12))}@${domain}`;
    return `${this.rng.pick(FIRST_NAMES)}.${this.rng.pick(LAST_NAMES)}@${domain}`;
  }

  // ---- low-level emitters

  private nextPid(minStep: number, maxStep: number): number {
    this.pid += this.rng.int(minStep, maxStep);
    if (this.pid > 32767) this.pid = 300 + (this.pid - 32768);
    return this.pid;
  }

  private newMessage(scenario: string, outcome: Outcome): MessageRecord {
    const m: MessageRecord = { id: this.messages.length, scenario, outcome };
    this.messages.push(m);
    this.remaining--;
    return m;
  }

  private epoch(t: number): number { return t - this.offsetSeconds; }

  private spamdyke(t: number, msg: MessageRecord, conn: Connection, verdict: string, from: string, to: string, reason: string): void {
    this.spamdykeLines.push({ t, seq: this.seq++, msg: msg.id, conn, verdict, from: from === '' ? this.nullSenderInSpamdyke : from, to, reason });
    if (verdict !== 'ALLOWED' && from !== '(unknown)') {
      (msg.deniedKeys ??= []).push(`${t}\u0000${verdict}\u0000${reason}\u0000${from}\u0000${to}`);
    }
  }

  private mxConnection(domain: RemoteDomain): Connection {
    return { ip: domain.ip, rdns: domain.rdns, remote: `h:${domain.ip}`, auth: '(unknown)', encryption: this.rng.chance(0.45) ? 'TLS' : '(none)', pid: this.nextPid(1, 9) };
  }

  private spamConnection(rdnsKind: 'missing' | 'unresolvable' | 'ip-in-name' | 'named'): Connection {
    const v6 = this.rng.chance(0.08);
    const ip = v6 ? ip6(this.rng) : ip4(this.rng.chance(0.75) ? '203.0.113' : '198.51.100', this.rng);
    let rdns: string;
    if (rdnsKind === 'missing') rdns = '(unknown)';
    else if (rdnsKind === 'ip-in-name') {
      rdns = v6 ? `${ip.replace(/:/g, '-')}.dyn.isp.example` : this.rng.chance(0.5)
        ? `${ip.replace(/\./g, '-')}.dynamic.isp.example`
        : `${ip.split('.').reverse().join('.')}.broadband.example.net`;
    } else if (rdnsKind === 'unresolvable') rdns = `host-${this.randomWord(6)}.unresolvable.invalid`;
    else rdns = `${this.rng.pick(['mail', 'smtp', 'mx', 'srv'])}${this.rng.int(1, 99)}.${this.rng.pick(SPAM_DOMAINS)}`;
    return { ip, rdns, remote: `h:${ip}`, auth: '(unknown)', encryption: this.rng.chance(0.25) ? 'TLS' : '(none)', pid: this.nextPid(1, 9) };
  }

  private clientConnection(user: string | null): Connection {
    const ip = this.rng.chance(0.15) ? ip6(this.rng) : ip4(this.rng.chance(0.85) ? '198.51.100' : '203.0.113', this.rng);
    const rdns = this.rng.chance(0.45) ? '(unknown)' : ip.includes(':') ? `client-${this.rng.hex(4)}.isp.example` : `dsl-${ip.replace(/\./g, '-')}.isp.example`;
    return { ip, rdns, remote: `unknown:${ip}`, auth: user ?? '(unknown)', encryption: 'TLS', pid: this.nextPid(1, 9) };
  }

  /** One SMTP transaction plus its spamdyke lines. Returns the queue time (or null) and the accepted recipients. */
  private transaction(msg: MessageRecord, port: number, start: number, conn: Connection, sender: string, rcpts: RcptPlan[], end: DataEnd):
  { queueTime: number | null; accepted: string[]; qp: number } {
    const lines: string[] = [];
    const clock = this.clock;
    const add = (t: number, kind: string, detail: string) => { lines.push(`${clock.smtp(t)}, ${kind}, ${detail}`); };
    let t = start;
    add(t, 'from', sender);
    add(t, 'resp', '250 ok');
    const accepted: string[] = [];
    for (let i = 0; i < rcpts.length; i++) {
      const r = rcpts[i];
      if (i > 0 && this.rng.chance(0.12)) t++;
      add(t, 'to', `<${r.addr}>`);
      switch (r.action) {
        case 'accept':
          add(t, 'check', `accepted rcpt, ${conn.remote}, ${r.addr}, found existing recipient`);
          add(t, 'resp', '250 ok');
          accepted.push(r.addr);
          break;
        case 'relay':
          add(t, 'check', `relaying rcpt, ${conn.remote}, ${r.addr}, client allowed to relay`);
          add(t, 'resp', '250 ok');
          accepted.push(r.addr);
          break;
        case 'chkuser-reject':
        case 'relay-reject': {
          const verdict = r.action === 'chkuser-reject' ? 'rejected rcpt' : 'rejected relaying';
          const why = r.action === 'chkuser-reject' ? 'not existing recipient' : 'client not allowed to relay';
          const reply = r.action === 'chkuser-reject' ? CHKUSER_NO_MAILBOX : RELAY_REFUSED;
          add(t, 'check', `${verdict}, ${conn.remote}, ${r.addr}, ${why}`);
          add(t, 'resp', reply);
          this.spamdyke(t, msg, conn, 'DENIED_OTHER', sender, r.addr, underscored(reply));
          break;
        }
        case 'deny':
          add(t, 'resp', r.refusal!.reply);
          this.spamdyke(t, msg, conn, r.refusal!.verdict, sender, r.addr, '(empty)');
          break;
      }
    }
    let queueTime: number | null = null;
    let qp = 0;
    if (accepted.length > 0) {
      if (end === 'queue') {
        t += this.rng.weighted([30, 35, 20, 10, 5]);
        qp = this.nextPid(1, 5);
        const size = Math.round(Math.exp(this.rng.next() * 7.5 + 7)); // ~1 KB .. ~2 MB, log-uniform
        add(t, 'size', String(size));
        const reply = `250 ok ${this.epoch(t)} qp ${qp}`;
        add(t, 'resp', reply);
        queueTime = t;
        const spamTime = this.rng.chance(0.1) ? t + 1 : t;
        for (const addr of accepted) this.spamdyke(spamTime, msg, conn, 'ALLOWED', sender, addr, underscored(reply));
      } else if (end === 'size') {
        t += this.rng.int(4, 40);
        add(t, 'size', String(DATABYTES + this.rng.int(1000, 30000000)));
        add(t, 'resp', SIZE_REFUSED);
        for (const addr of accepted) this.spamdyke(t, msg, conn, 'DENIED_OTHER', sender, addr, underscored(SIZE_REFUSED));
      } else {
        const timeoutAt = t + this.rng.int(60, 320);
        for (const addr of accepted) this.spamdyke(timeoutAt, msg, conn, 'TIMEOUT', sender, addr, '(empty)');
      }
    }
    this.smtpGroups.push({ port, start, seq: this.seq++, msg: msg.id, text: lines.join('\n'), count: lines.length });
    return { queueTime, accepted, qp };
  }

  // ---- delivery

  private newAttempt(t: number): Attempt {
    const a: Attempt = { t, seq: this.seq++, id: 0, origin: null };
    this.attempts.push(a);
    return a;
  }

  private remoteSuccessText(ip: string, t: number, auth: boolean): string {
    let said: string;
    switch (this.rng.weighted([35, 30, 20, 15])) {
      case 0: said = `250_2.0.0_OK_${this.epoch(t)}_${this.randomWord(2)}${this.rng.int(100000, 999999)}${this.randomWord(6)}.${this.rng.int(100, 999)}_-_gsmtp`; break;
      case 1: said = `250_2.0.0_Ok:_queued_as_${this.rng.hex(10).toUpperCase()}`; break;
      case 2: said = `250_OK_id=1l${this.randomWord(4)}-000${this.rng.int(100, 999)}-${this.randomWord(2)}`; break;
      default: said = `250_ok_${this.epoch(t)}_qp_${this.rng.int(300, 32767)}`; break;
    }
    return `${auth && this.rng.chance(0.85) ? 'smtp_auth/' : ''}${ip}_accepted_message./Remote_host_said:_${said}/`;
  }

  private deferralText(rcpt: DeliveryRecipient, ip: string): string {
    if (!rcpt.remote) return this.rng.chance(0.85) ? "Recipient's_mailbox_is_full/" : 'Temporary_error_on_maildir_delivery._(#4.3.0)/';
    switch (this.rng.weighted([40, 25, 20, 15])) {
      case 0: return `${ip}_does_not_like_recipient./Remote_host_said:_451_4.3.0_<${rcpt.addr}>:_Recipient_address_rejected:_Please_try_again_later/Giving_up_on_${ip}./`;
      case 1: return `Connected_to_${ip}_but_greeting_failed./Remote_host_said:_421_4.7.0_mx.${rcpt.domain}_Service_not_available,_closing_transmission_channel/`;
      case 2: return "Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/";
      default: return `${ip}_does_not_like_recipient./Remote_host_said:_452_4.2.2_Mailbox_full/Giving_up_on_${ip}./`;
    }
  }

  private failureText(rcpt: DeliveryRecipient, ip: string): string {
    if (!rcpt.remote) return this.rng.chance(0.6) ? "Recipient's_mailbox_is_full,_giving_up._(#5.2.2)/" : 'Sorry,_no_mailbox_here_by_that_name._(#5.1.1)/';
    switch (this.rng.weighted([60, 25, 15])) {
      case 0: return `${ip}_does_not_like_recipient./Remote_host_said:_550_5.1.1_<${rcpt.addr}>..._User_unknown/Giving_up_on_${ip}./`;
      case 1: return `${ip}_does_not_like_recipient./Remote_host_said:_550_5.7.1_Message_rejected_as_spam/Giving_up_on_${ip}./`;
      default: return `Sorry,_I_couldn't_find_any_host_named_${rcpt.domain}._(#5.1.2)/`;
    }
  }

  private mxFor(domain: string): string {
    return this.mxByDomain.get(domain) ?? `192.0.2.${(hashString(domain) % 254) + 1}`;
  }

  private retryDelay(k: number, remote: boolean): number {
    const unit = remote ? 20 : 10;
    return unit * unit * k * k + this.rng.int(0, 45);
  }

  /**
   * One queued message's delivery: the init line, the first try of every recipient, and for
   * deferred recipients the later rounds (inline or in groups of their own).
   */
  private delivery(msg: MessageRecord, init: number, sender: string, rcpts: DeliveryRecipient[], auth: boolean, plan: DeliveryPlan): DeliveryResult {
    const group: DeliveryGroup = { first: init, seq: this.seq++, msg: msg.id, entries: [] };
    this.deliveryGroups.push(group);
    group.entries.push({ t: init, kind: INIT, text: sender === '' ? this.nullSenderInit : `<${sender}>`, attempt: null });
    msg.queueKey ??= `${sender}\u0000${rcpts.map((r) => r.addr).sort().join('\u0000')}`;
    msg.queueTime ??= init;

    // Recipient 0 gets the planned fate; the others succeed.
    const ips = rcpts.map((r) => (r.remote ? this.mxFor(r.domain) : ''));
    // qmail-send either finishes one recipient before trying the next, or tries several at once.
    const sequential = rcpts.length === 1 || this.rng.chance(0.5);
    const tries: number[] = [];
    let t = init;
    for (let i = 0; i < rcpts.length; i++) {
      if (!sequential && i > 0 && this.rng.chance(0.15)) t++;
      tries.push(t);
    }
    const lastTry = t;
    t = init;
    const firstRound: DeliveryEntry[] = [];
    const results: DeliveryEntry[] = [];
    const origins: Attempt[] = [];
    let failedAt: number | null = null;
    for (let i = 0; i < rcpts.length; i++) {
      const r = rcpts[i];
      const tryAt = sequential ? t : tries[i];
      const attempt = this.newAttempt(tryAt);
      origins.push(attempt);
      firstRound.push({ t: tryAt, kind: TRY, text: `${r.remote ? 'remote' : 'local'}, ${r.addr}`, attempt });
      let rt = tryAt + (r.remote ? this.rng.weighted([10, 35, 25, 15, 10, 5]) : this.rng.weighted([75, 22, 3]));
      if (!sequential) rt = Math.max(rt, lastTry);
      let text: string;
      const fate = i === 0 ? plan.kind : 'success';
      if (fate === 'success') text = `success, ${r.remote ? this.remoteSuccessText(ips[i], rt, auth) : LOCAL_SUCCESS[this.rng.weighted(LOCAL_SUCCESS_WEIGHTS)]}`;
      else if (fate === 'failure') { text = `failure, ${this.failureText(r, ips[i])}`; failedAt = rt; }
      else text = `deferral, ${this.deferralText(r, ips[i])}`;
      const result: DeliveryEntry = { t: rt, kind: RESULT, text, attempt };
      if (sequential) { firstRound.push(result); t = rt; } else results.push(result);
    }
    if (!sequential) {
      results.sort((a, b) => a.t - b.t);
      firstRound.push(...results);
    }
    group.entries.push(...firstRound);
    let last = firstRound.reduce((m, e) => Math.max(m, e.t), init);

    if (plan.kind !== 'deferral') return { outcome: plan.kind === 'success' ? 'delivered' : 'failed', failedAt };

    // Rounds of retries for recipient 0.
    const r = rcpts[0];
    const maxRetries = plan.final === 'pending' ? this.rng.int(0, 3) : this.rng.int(1, 4);
    const delays: number[] = [];
    for (let k = 1; k <= maxRetries; k++) delays.push(this.retryDelay(k, r.remote));
    // A round after the end of the log is not in it.
    let retries = maxRetries;
    while (retries > 0 && init + delays[retries - 1] > this.estimatedEnd) retries--;
    const inline = this.retryLayout === 'inline' || (this.retryLayout === 'mixed' && this.layoutRng.chance(0.5));
    let outcome: Outcome = 'pending';
    for (let k = 1; k <= retries; k++) {
      const roundStart = Math.max(last + 1, init + delays[k - 1]);
      const isFinal = k === retries && plan.final !== 'pending';
      const origin = origins[0];
      const attempt = this.newAttempt(roundStart);
      attempt.origin = origin;
      const rt = roundStart + (r.remote ? this.rng.int(0, 6) : this.rng.int(0, 1));
      let text: string;
      if (!isFinal) text = `deferral, ${this.deferralText(r, ips[0])}`;
      else if (plan.final === 'success') {
        text = `success, ${r.remote ? this.remoteSuccessText(ips[0], rt, auth) : LOCAL_SUCCESS[this.rng.weighted(LOCAL_SUCCESS_WEIGHTS)]}`;
        outcome = 'deferred-delivered';
      } else {
        text = `failure, ${this.failureText(r, ips[0])}`;
        outcome = 'failed';
        failedAt = rt;
      }
      const entries: DeliveryEntry[] = [
        { t: roundStart, kind: TRY, text: `${r.remote ? 'remote' : 'local'}, ${r.addr}`, attempt },
        { t: rt, kind: RESULT, text, attempt },
      ];
      if (inline) group.entries.push(...entries);
      else {
        const retryGroup: DeliveryGroup = { first: roundStart, seq: this.seq++, msg: msg.id, entries: [] };
        if (this.layoutRng.chance(0.5)) retryGroup.entries.push({ t: roundStart, kind: INIT, text: sender === '' ? this.nullSenderInit : `<${sender}>`, attempt: null });
        retryGroup.entries.push(...entries);
        this.deliveryGroups.push(retryGroup);
      }
      last = rt;
    }
    return { outcome, failedAt };
  }

  private bounce(original: MessageRecord, failedAt: number, originalSender: string): void {
    if (originalSender === '' || this.remaining < 1) return;
    const msg = this.newMessage('bounce', 'delivered');
    msg.bounceOf = original.id;
    const hosted = isHostedAddress(originalSender);
    const rcpt: DeliveryRecipient = { addr: originalSender, remote: !hosted, domain: domainOf(originalSender) };
    this.delivery(msg, failedAt + this.rng.int(0, 4), '', [rcpt], false, { kind: 'success' });
  }

  // ---- scenarios

  private inboundRecipientCount(): number { return [1, 2, 3, 4, 5, 6][this.rng.weighted([48, 25, 13, 7, 5, 2])]; }

  private localDeliveryRecipients(addrs: string[]): DeliveryRecipient[] {
    return addrs.map((addr) => ({ addr, remote: false, domain: domainOf(addr) }));
  }

  private initAfter(queueTime: number): number { return queueTime + this.rng.weighted([45, 35, 15, 5]); }

  /** Inbound mail on port 25 that is queued and delivered to local mailboxes. */
  private inbound(t: number, scenario: string, sender: string, conn: Connection, rcpts: RcptPlan[], plan: DeliveryPlan = { kind: 'success' }): MessageRecord {
    const msg = this.newMessage(scenario, 'delivered');
    const { queueTime, accepted } = this.transaction(msg, PORT25, t, conn, sender, rcpts, 'queue');
    if (queueTime !== null) {
      const result = this.delivery(msg, this.initAfter(queueTime), sender, this.localDeliveryRecipients(accepted), false, plan);
      msg.outcome = result.outcome;
      this.afterDelivery(msg, result, sender);
    } else msg.outcome = 'rejected-smtp';
    return msg;
  }

  private afterDelivery(msg: MessageRecord, result: DeliveryResult, sender: string): void {
    msg.outcome = result.outcome;
    if (result.outcome === 'pending') msg.scenario = 'deferred-pending';
    if (result.failedAt !== null) this.bounce(msg, result.failedAt, sender);
  }

  private correspondent(): { addr: string; domain: RemoteDomain } { return this.correspondents.pick(this.rng); }

  private spamDenied(t: number, scenario: string, refusal: SpamdykeRefusal, rdnsKind: 'missing' | 'unresolvable' | 'ip-in-name' | 'named'): void {
    const msg = this.newMessage(scenario, 'rejected-spamdyke');
    const sender = this.rng.chance(0.04) ? '' : this.spamSender();
    const conn = this.spamConnection(rdnsKind);
    const count = [1, 2, 3][this.rng.weighted([76, 17, 7])];
    const rcpts: RcptPlan[] = [];
    for (let i = 0; i < count; i++) {
      const addr = this.rng.chance(0.75) ? this.distinctMailboxes(1)[0] : this.nonexistentMailbox();
      if (!rcpts.some((r) => r.addr === addr)) rcpts.push({ addr, action: 'deny', refusal });
    }
    this.transaction(msg, PORT25, t, conn, sender, rcpts, 'queue');
  }

  private runScenario(spec: ScenarioSpec, t: number): void {
    const rng = this.rng;
    switch (spec.name) {
      case 'inbound-delivered': {
        const c = this.correspondent();
        const rcpts = this.distinctMailboxes(this.inboundRecipientCount()).map((addr): RcptPlan => ({ addr, action: 'accept' }));
        this.inbound(t, spec.name, c.addr, this.mxConnection(c.domain), rcpts);
        break;
      }
      case 'inbound-bounce': {
        const c = this.correspondent();
        this.inbound(t, spec.name, '', this.mxConnection(c.domain), [{ addr: this.distinctMailboxes(1)[0], action: 'accept' }]);
        break;
      }
      case 'chkuser-partial': {
        const c = this.correspondent();
        const good = this.distinctMailboxes(rng.int(1, 3)).map((addr): RcptPlan => ({ addr, action: 'accept' }));
        const bad: RcptPlan = { addr: this.nonexistentMailbox(), action: 'chkuser-reject' };
        good.splice(rng.int(0, good.length), 0, bad);
        this.inbound(t, spec.name, rng.chance(0.8) ? c.addr : this.spamSender(), this.mxConnection(c.domain), good);
        break;
      }
      case 'chkuser-rejected': {
        const msg = this.newMessage(spec.name, 'rejected-smtp');
        const spam = rng.chance(0.6);
        const c = this.correspondent();
        const conn = spam ? this.spamConnection('named') : this.mxConnection(c.domain);
        const rcpts: RcptPlan[] = [];
        const n = [1, 2, 3][rng.weighted([70, 20, 10])];
        for (let i = 0; i < n; i++) rcpts.push({ addr: this.nonexistentMailbox(), action: 'chkuser-reject' });
        this.transaction(msg, PORT25, t, conn, spam ? this.spamSender() : c.addr, dedupe(rcpts), 'queue');
        break;
      }
      case 'rdns-denied': this.spamDenied(t, spec.name, SPAMDYKE_REFUSALS.rdnsMissing, 'missing'); break;
      case 'rdns-resolve-denied': this.spamDenied(t, spec.name, SPAMDYKE_REFUSALS.rdnsResolve, 'unresolvable'); break;
      case 'ip-in-rdns-denied': this.spamDenied(t, spec.name, SPAMDYKE_REFUSALS.ipInRdns, 'ip-in-name'); break;
      case 'rbl-denied': this.spamDenied(t, spec.name, SPAMDYKE_REFUSALS.rbl, rng.chance(0.3) ? 'ip-in-name' : 'named'); break;
      case 'sender-no-mx-denied': this.spamDenied(t, spec.name, SPAMDYKE_REFUSALS.senderNoMx, 'named'); break;
      case 'blacklist-ip-denied': this.spamDenied(t, spec.name, SPAMDYKE_REFUSALS.blacklistIp, 'named'); break;
      case 'earlytalker-denied': this.spamDenied(t, spec.name, SPAMDYKE_REFUSALS.earlytalker, rng.chance(0.5) ? 'missing' : 'named'); break;
      case 'graylisted': {
        const msg = this.newMessage(spec.name, 'rejected-spamdyke');
        const c = this.correspondent();
        const conn = this.mxConnection(c.domain);
        const refusal = rng.chance(0.6) ? SPAMDYKE_REFUSALS.graylisted421 : SPAMDYKE_REFUSALS.graylisted451;
        const addrs = this.distinctMailboxes(rng.chance(0.85) ? 1 : 2);
        this.transaction(msg, PORT25, t, conn, c.addr, addrs.map((addr): RcptPlan => ({ addr, action: 'deny', refusal })), 'queue');
        const retryAt = t + rng.int(300, 1800);
        if (rng.chance(0.65) && this.remaining >= 1 && retryAt < this.estimatedEnd) {
          const retryConn = { ...conn, pid: this.nextPid(1, 9), encryption: conn.encryption };
          this.inbound(retryAt, 'graylisted-retry', c.addr, retryConn, addrs.map((addr): RcptPlan => ({ addr, action: 'accept' })));
        }
        break;
      }
      case 'too-many-recipients': {
        const c = this.correspondent();
        const limit = 4;
        const addrs = this.distinctMailboxes(rng.int(5, 7));
        const rcpts = addrs.map((addr, i): RcptPlan => (i < limit ? { addr, action: 'accept' } : { addr, action: 'deny', refusal: SPAMDYKE_REFUSALS.tooMany }));
        this.inbound(t, spec.name, rng.chance(0.5) ? c.addr : rng.pick(NEWSLETTER_SENDERS), this.mxConnection(c.domain), rcpts);
        break;
      }
      case 'relaying-denied': {
        const msg = this.newMessage(spec.name, 'rejected-spamdyke');
        const conn = this.spamConnection(rng.chance(0.5) ? 'named' : 'ip-in-name');
        const target = this.remoteRecipients.pick(rng).addr;
        this.transaction(msg, PORT25, t, conn, this.spamSender(), [{ addr: target, action: 'deny', refusal: SPAMDYKE_REFUSALS.relaying }], 'queue');
        break;
      }
      case 'relay-refused': {
        const msg = this.newMessage(spec.name, 'rejected-smtp');
        const conn = rng.chance(0.6) ? this.spamConnection('named') : this.mxConnection(this.correspondent().domain);
        const target = this.remoteRecipients.pick(rng).addr;
        this.transaction(msg, PORT25, t, conn, this.spamSender(), [{ addr: target, action: 'relay-reject' }], 'queue');
        break;
      }
      case 'auth-required-denied': {
        const msg = this.newMessage(spec.name, 'rejected-spamdyke');
        const conn = this.clientConnection(null);
        const sender = rng.chance(0.6) ? this.mailboxAddress(this.authUsers.pick(rng)) : this.spamSender();
        this.transaction(msg, PORT587, t, conn, sender, [{ addr: this.remoteRecipients.pick(rng).addr, action: 'deny', refusal: SPAMDYKE_REFUSALS.authRequired }], 'queue');
        break;
      }
      case 'size-refused': {
        const msg = this.newMessage(spec.name, 'rejected-smtp');
        if (rng.chance(0.7)) {
          const c = this.correspondent();
          const rcpts = this.distinctMailboxes(rng.int(1, 2)).map((addr): RcptPlan => ({ addr, action: 'accept' }));
          this.transaction(msg, PORT25, t, this.mxConnection(c.domain), c.addr, rcpts, 'size');
        } else {
          const user = this.mailboxAddress(this.authUsers.pick(rng));
          this.transaction(msg, rng.chance(0.6) ? PORT587 : PORT465, t, this.clientConnection(user), user,
            [{ addr: this.remoteRecipients.pick(rng).addr, action: 'relay' }], 'size');
        }
        break;
      }
      case 'timeout-no-envelope': {
        const msg = this.newMessage(spec.name, 'no-envelope');
        const conn = rng.chance(0.7) ? this.spamConnection(rng.chance(0.5) ? 'missing' : 'named') : this.mxConnection(this.correspondent().domain);
        this.spamdyke(t, msg, conn, 'TIMEOUT', '(unknown)', '(unknown)', '(empty)');
        break;
      }
      case 'timeout-after-envelope': {
        const msg = this.newMessage(spec.name, 'rejected-spamdyke');
        const c = this.correspondent();
        const spam = rng.chance(0.5);
        const conn = spam ? this.spamConnection('named') : this.mxConnection(c.domain);
        const rcpts = this.distinctMailboxes(rng.chance(0.85) ? 1 : 2).map((addr): RcptPlan => ({ addr, action: 'accept' }));
        this.transaction(msg, PORT25, t, conn, spam ? this.spamSender() : c.addr, rcpts, 'timeout');
        break;
      }
      case 'submission-remote':
      case 'submission-local':
        this.submission(t, spec.name, spec.name === 'submission-remote' ? 'remote' : 'local', { kind: 'success' });
        break;
      case 'local-injected':
        this.injected(t, spec.name, { kind: 'success' });
        break;
      case 'deferred-then-delivered':
      case 'deferred-then-failed':
      case 'deferred-pending': {
        const final = spec.name === 'deferred-then-delivered' ? 'success' : spec.name === 'deferred-then-failed' ? 'failure' : 'pending';
        const plan: DeliveryPlan = { kind: 'deferral', final };
        const origin = rng.weighted([60, 25, 15]);
        if (origin === 0) this.submission(t, spec.name, 'remote', plan);
        else if (origin === 1) {
          const c = this.correspondent();
          const rcpts = this.distinctMailboxes(rng.chance(0.8) ? 1 : 2).map((addr): RcptPlan => ({ addr, action: 'accept' }));
          this.inbound(t, spec.name, c.addr, this.mxConnection(c.domain), rcpts, plan);
        } else this.injected(t, spec.name, plan, true);
        break;
      }
      case 'failed':
        if (rng.chance(0.7)) this.submission(t, spec.name, 'remote', { kind: 'failure' });
        else this.injected(t, spec.name, { kind: 'failure' }, true);
        break;
      case 'newsletter-repeat-denied': {
        const sender = rng.pick(NEWSLETTER_SENDERS);
        const refusal = [SPAMDYKE_REFUSALS.graylisted421, SPAMDYKE_REFUSALS.rbl, SPAMDYKE_REFUSALS.rdnsMissing, SPAMDYKE_REFUSALS.senderNoMx][rng.weighted([40, 25, 20, 15])];
        const conn = this.spamConnection(refusal === SPAMDYKE_REFUSALS.rdnsMissing ? 'missing' : 'named');
        const addr = this.distinctMailboxes(1)[0];
        const n = Math.min(this.remaining, rng.int(2, 4));
        for (let i = 0; i < n; i++) {
          const msg = this.newMessage(spec.name, 'rejected-spamdyke');
          this.transaction(msg, PORT25, t, { ...conn, pid: this.nextPid(1, 4) }, sender, [{ addr, action: 'deny', refusal }], 'queue');
        }
        break;
      }
      case 'newsletter-repeat-delivered': {
        const sender = rng.pick(NEWSLETTER_SENDERS);
        const domain = this.remoteDomains[hashString(sender) % this.remoteDomains.length];
        const addr = this.distinctMailboxes(1)[0];
        const n = Math.min(this.remaining, rng.int(2, 4));
        const delay = rng.int(0, 2);
        for (let i = 0; i < n; i++) {
          const msg = this.newMessage(spec.name, 'delivered');
          const { queueTime, accepted } = this.transaction(msg, PORT25, t, this.mxConnection(domain), sender, [{ addr, action: 'accept' }], 'queue');
          if (queueTime !== null) this.delivery(msg, queueTime + delay, sender, this.localDeliveryRecipients(accepted), false, { kind: 'success' });
        }
        break;
      }
      case 'newsletter-fanout': {
        const sender = rng.pick(NEWSLETTER_SENDERS);
        const domain = this.remoteDomains[hashString(sender) % this.remoteDomains.length];
        const n = Math.min(this.remaining, rng.int(4, 16));
        const addrs = this.distinctMailboxes(n);
        for (let i = 0; i < addrs.length; i++) {
          const start = t + (i > 8 && rng.chance(0.3) ? 1 : 0);
          if (rng.chance(0.1)) {
            const msg = this.newMessage(spec.name, 'rejected-smtp');
            this.transaction(msg, PORT25, start, this.mxConnection(domain), sender, [{ addr: this.nonexistentMailbox(), action: 'chkuser-reject' }], 'queue');
          } else {
            this.inbound(start, spec.name, sender, this.mxConnection(domain), [{ addr: addrs[i], action: 'accept' }]);
          }
        }
        break;
      }
      default:
        throw new Error(`unknown scenario ${spec.name}`);
    }
  }

  private submission(t: number, scenario: string, target: 'remote' | 'local', plan: DeliveryPlan): void {
    const rng = this.rng;
    const msg = this.newMessage(scenario, 'delivered');
    const user = this.mailboxAddress(this.authUsers.pick(rng));
    const conn = this.clientConnection(user);
    const port = rng.chance(0.6) ? PORT587 : PORT465;
    const rcpts: RcptPlan[] = [];
    const delivery: DeliveryRecipient[] = [];
    if (target === 'remote') {
      const n = plan.kind === 'success' ? [1, 2, 3][rng.weighted([75, 18, 7])] : 1;
      for (let i = 0; i < n; i++) {
        const r = this.remoteRecipients.pick(rng);
        if (rcpts.some((x) => x.addr === r.addr)) continue;
        rcpts.push({ addr: r.addr, action: 'relay' });
        delivery.push({ addr: r.addr, remote: true, domain: r.domain.name });
      }
      if (rng.chance(0.12)) {
        const local = this.distinctMailboxes(1)[0];
        if (!rcpts.some((x) => sameMailbox(x.addr, local))) {
          rcpts.push({ addr: local, action: 'accept' });
          delivery.push({ addr: local, remote: false, domain: domainOf(local) });
        }
      }
    } else {
      for (const addr of this.distinctMailboxes(rng.chance(0.8) ? 1 : 2)) {
        rcpts.push({ addr, action: 'accept' });
        delivery.push({ addr, remote: false, domain: domainOf(addr) });
      }
    }
    const { queueTime } = this.transaction(msg, port, t, conn, user, rcpts, 'queue');
    const result = this.delivery(msg, this.initAfter(queueTime!), user, delivery, true, plan);
    this.afterDelivery(msg, result, user);
  }

  private injected(t: number, scenario: string, plan: DeliveryPlan, remoteFirst = false): void {
    const rng = this.rng;
    const msg = this.newMessage(scenario, 'delivered');
    const sender = rng.chance(0.8) ? this.mailboxAddress(this.authUsers.pick(rng))
      : `${rng.pick(['wordpress', 'www-data', 'cron', 'shop', 'noreply'])}@${rng.pick(['example.com', 'example.org', 'mail.example.com'])}`;
    const n = rng.chance(0.8) ? 1 : 2;
    const rcpts: DeliveryRecipient[] = [];
    for (let i = 0; i < n; i++) {
      if ((i === 0 && remoteFirst) || rng.chance(0.5)) {
        const r = this.remoteRecipients.pick(rng);
        if (!rcpts.some((x) => x.addr === r.addr)) rcpts.push({ addr: r.addr, remote: true, domain: r.domain.name });
      } else {
        const addr = this.distinctMailboxes(1)[0];
        if (!rcpts.some((x) => sameMailbox(x.addr, addr))) rcpts.push({ addr, remote: false, domain: domainOf(addr) });
      }
    }
    const result = this.delivery(msg, t, sender, rcpts, false, plan);
    this.afterDelivery(msg, result, sender);
  }

  // ---- driver

  run(): void {
    const total = this.options.messages;
    if (!Number.isInteger(total) || total < 0) throw new Error('messages must be a non-negative integer');
    this.remaining = total;
    let time = parseLocalTime(this.options.start ?? '2021-03-09 00:00:00');
    while (this.remaining > 0) {
      const t = Math.floor(time);
      this.estimatedEnd = t + Math.max(60, this.remaining / this.rate);
      let spec = SCENARIOS[this.rng.weighted(SCENARIO_WEIGHTS)];
      if (spec.minBudget > this.remaining) spec = SCENARIOS[0];
      const before = this.remaining;
      this.runScenario(spec, t);
      const produced = before - this.remaining;
      const hour = Math.floor((t % 86400) / 3600);
      time += this.rng.exp(Math.max(1, produced) / (this.rate * HOURLY_RATE[hour]));
    }
  }
}

/** Rewrites each internationalized hosted domain in a text to a spelling picked at random. */
function mixedIdnSpellings(rng: SeededRandom): (text: string) => string {
  const idn = HOSTED_DOMAINS.filter((h) => h.unicode);
  const pattern = new RegExp(`@(${idn.flatMap((h) => [h.name, h.unicode!]).map((d) => d.replace(/[.]/g, '\\.')).join('|')})`, 'g');
  const spellings = new Map(idn.flatMap((h) => [[h.name, h], [h.unicode!, h]]));
  return (text) => text.replace(pattern, (_, domain: string) => {
    const h = spellings.get(domain)!;
    return `@${rng.chance(0.5) ? h.unicode : h.name}`;
  });
}

function domainOf(addr: string): string { return addr.slice(addr.lastIndexOf('@') + 1); }

function sameMailbox(a: string, b: string): boolean {
  const norm = (x: string) => x.replace('@bücher.example', '@xn--bcher-kva.example');
  return norm(a) === norm(b);
}

function isHostedAddress(addr: string): boolean {
  const d = domainOf(addr);
  return HOSTED_DOMAINS.some((h) => h.name === d || h.unicode === d);
}

function dedupe(rcpts: RcptPlan[]): RcptPlan[] {
  const seen = new Set<string>();
  return rcpts.filter((r) => (seen.has(r.addr) ? false : (seen.add(r.addr), true)));
}

function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Output

const CHUNK_CHARS = 1 << 20;

class LogWriter {
  private parts: string[] = [];
  private pending = 0;
  private readonly fd: number;
  line = 0;
  bytes = 0;

  constructor(readonly filePath: string, private readonly eol: string, bom: boolean, private readonly respell = (text: string) => text) {
    this.fd = fs.openSync(filePath, 'w');
    if (bom) this.push('\uFEFF');
  }

  private push(s: string): void {
    this.parts.push(s);
    this.pending += s.length;
    if (this.pending >= CHUNK_CHARS) this.flush();
  }

  /** Writes one physical line and returns its number. */
  write(text: string): number {
    this.push(this.respell(text));
    this.push(this.eol);
    return this.line++;
  }

  /** Writes `count` physical lines already joined by the line ending; returns the first one's number. */
  writeBlock(text: string, count: number): number {
    this.push(this.respell(text));
    this.push(this.eol);
    const first = this.line;
    this.line += count;
    return first;
  }

  /** Writes the final partial line of a truncated file (no line ending) and returns its number. */
  writePartial(text: string): number {
    this.push(this.respell(text));
    return this.line++;
  }

  flush(): void {
    if (this.parts.length === 0) return;
    this.bytes += fs.writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.pending = 0;
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}

const JUNK_TEXT = [
  'Download generated by the control panel', '-- more --', 'null', 'undefined', '[object Object]',
  'Error: connection reset by peer', '#### log rotated ####', 'Lorem ipsum dolor sit amet, consectetur adipiscing elit',
  '...', '=====', 'Warning: file truncated at 10000 lines', '(no data)', 'Session expired, please log in again',
  'Fatal error: Allowed memory size exhausted', 'Content-Type: text/plain; charset=utf-8',
];
const HTML_FRAGMENTS = [
  '<html><head><title>504 Gateway Time-out</title></head>', '<body bgcolor="white">', '</body></html>',
  '<div class="alert alert-danger">Session expired</div>', '<br />', '<center><h1>502 Bad Gateway</h1></center>',
  '<hr><center>nginx</center>', '<!DOCTYPE html>', '<pre>', '</pre>', '<td class="log">&nbsp;</td>',
];

class Garbage {
  constructor(private readonly rng: SeededRandom, private readonly fraction: number) {}

  /** Whether garbage before a group gets a blank line of its own or is glued to the group. */
  standsAlone(): boolean { return this.rng.chance(0.6); }

  /** How many garbage lines to put before a group of `lines` content lines. */
  count(lines: number): number {
    if (this.fraction <= 0) return 0;
    const expected = this.fraction * lines;
    const whole = Math.floor(expected);
    return whole + (this.rng.chance(expected - whole) ? 1 : 0);
  }

  line(sample: string): string {
    const rng = this.rng;
    switch (rng.weighted([30, 30, 20, 20])) {
      case 0: return rng.pick(JUNK_TEXT);
      case 1: {
        // half of a real-looking line of this file
        const cut = Math.max(4, Math.min(sample.length - 2, Math.floor(sample.length * (0.2 + 0.6 * rng.next()))));
        return safeSlice(sample, cut);
      }
      case 2: {
        const n = rng.int(8, 90);
        let s = '';
        for (let i = 0; i < n; i++) s += String.fromCharCode(rng.chance(0.05) ? rng.pick([0xe4, 0xf6, 0xfc, 0xdf, 0xe9, 0xa7]) : rng.int(0x20, 0x7e));
        return s.trim() === '' ? '~' : s;
      }
      default: return rng.pick(HTML_FRAGMENTS);
    }
  }
}

function safeSlice(text: string, end: number): string {
  let e = Math.max(1, Math.min(end, text.length));
  const c = text.charCodeAt(e - 1);
  if (c >= 0xd800 && c <= 0xdbff) e--;
  return text.slice(0, e);
}

/** Where the partial line of a truncated file ends: between 30 % and 70 % of the line. */
function partialOf(text: string, rng: SeededRandom): string {
  return safeSlice(text, Math.max(1, Math.floor(text.length * (0.3 + 0.4 * rng.next()))));
}

const OPAQUE_PATTERNS: Array<(rng: SeededRandom) => string> = [
  (r) => `export (${r.int(1, 9)}).log`,
  (r) => `download-${r.hex(4)}.txt`,
  (r) => String.fromCharCode(0x61 + r.int(0, 25)),
  (r) => `log${r.int(1, 99)}`,
  (r) => `Unbenannt ${r.int(1, 20)}.txt`,
  (r) => `data (${r.int(1, 9)}).txt`,
  (r) => `${r.hex(8)}.log`,
  (r) => `file_${r.int(1000, 9999)}.log`,
  () => 'export.log',
  (r) => `tmp${r.hex(6)}`,
];

function fileNames(options: CorpusOptions): Record<FileRole, string> {
  if ((options.names ?? 'real') === 'real') return { ...REAL_FILE_NAMES };
  const rng = new SeededRandom(options.seed, 5);
  const used = new Set<string>([TRUTH_FILE]);
  const out = {} as Record<FileRole, string>;
  for (const role of FILE_ROLES) {
    let name = '';
    // nothing that hints at a role, not even a port number by accident
    do name = rng.pick(OPAQUE_PATTERNS)(rng); while (used.has(name.toLowerCase()) || /smtp|spam|deliv|25|465|587/i.test(name));
    used.add(name.toLowerCase());
    out[role] = name;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Public entry point

export function generateCorpus(dir: string, options: CorpusOptions, withTruth = true): Corpus {
  const gen = new Generator(options);
  gen.run();
  assignDeliveryIds(gen.attempts, options.deliveryIds ?? 'per-message', new SeededRandom(options.seed, 6));

  fs.mkdirSync(dir, { recursive: true });
  const names = fileNames(options);
  const eol = options.crlf ? '\r\n' : '\n';
  const bom = options.bom ?? false;
  const renderRng = new SeededRandom(options.seed, 7);
  const garbage = new Garbage(new SeededRandom(options.seed, 8), options.garbage ?? 0);
  const runTogether = options.runTogether ?? 0;
  const truncate = options.truncate ?? false;
  const messageCount = gen.messages.length;
  const claims: number[][] | null = withTruth ? Array.from({ length: messageCount }, () => []) : null;
  const truncated = new Set<number>();
  const clock = new Clock();

  const files: CorpusFile[] = [];
  const respell = options.idnSpellings === 'mixed' ? mixedIdnSpellings(new SeededRandom(options.seed, 9)) : undefined;
  const open = (role: FileRole) => new LogWriter(path.join(dir, names[role]), eol, bom, respell);
  const finish = (role: FileRole, w: LogWriter) => {
    w.close();
    files.push({ role, name: names[role], path: w.filePath, bytes: w.bytes });
  };

  // SMTP logs: transactions of each port in order of their start time.
  const byStart = (a: { start: number; seq: number }, b: { start: number; seq: number }) => a.start - b.start || a.seq - b.seq;
  const smtpByPort: SmtpGroup[][] = [[], [], []];
  for (const g of gen.smtpGroups) smtpByPort[g.port].push(g);
  for (let port = 0; port < 3; port++) {
    const role = FILE_ROLES[port];
    const roleIndex = port;
    const groups = smtpByPort[port].sort(byStart);
    const w = open(role);
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      const isLast = i === groups.length - 1;
      const joined = runTogether > 0 && renderRng.chance(runTogether);
      const count = joined ? 1 : g.count;
      if (i > 0) {
        if (options.smtpBlankLines !== false) w.write('');
        const previous = groups[i - 1].text;
        const firstBreak = previous.indexOf('\n');
        writeGarbage(w, garbage, count, firstBreak < 0 ? previous : previous.slice(0, firstBreak));
      }
      if (truncate && isLast) {
        writeGroup(w, joined ? [g.text.replace(/\n/g, ' ')] : g.text.split('\n'), g.msg, roleIndex, claims, renderRng, truncated);
      } else {
        const block = joined ? g.text.replace(/\n/g, ' ') : eol === '\n' ? g.text : g.text.replace(/\n/g, eol);
        const first = w.writeBlock(block, count);
        if (claims) for (let k = 0; k < count; k++) claims[g.msg].push(roleIndex, first + k);
      }
    }
    finish(role, w);
  }

  // Delivery log: groups in order of their first line's time; IDs were assigned in time order.
  {
    const roleIndex = 3;
    const groups = gen.deliveryGroups.sort((a, b) => a.first - b.first || a.seq - b.seq);
    const w = open('delivery');
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      const lines = g.entries.map((e) => {
        const stamp = clock.smtp(e.t);
        if (e.kind === INIT) return `${stamp}, init, ${e.text}`;
        return `${stamp}, ${e.kind === TRY ? 'try' : 'result'}, ${e.attempt!.id}, ${e.text}`;
      });
      if (i > 0) {
        if (options.deliveryBlankLines !== false) w.write('');
        writeGarbage(w, garbage, lines.length, renderPrevious(groups[i - 1], clock));
      }
      writeGroup(w, lines, g.msg, roleIndex, claims, truncate && i === groups.length - 1 ? renderRng : null, truncated);
    }
    finish('delivery', w);
  }

  // spamdyke log: one line per recipient, in time order; no blank lines.
  {
    const roleIndex = 4;
    const lines = gen.spamdykeLines.sort((a, b) => a.t - b.t || a.seq - b.seq);
    const w = open('spamdyke');
    // With truncation the last run of lines of one message is cut in its middle.
    let cutFrom = lines.length;
    if (truncate && lines.length > 0) {
      const lastMsg = lines[lines.length - 1].msg;
      let runStart = lines.length - 1;
      while (runStart > 0 && lines[runStart - 1].msg === lastMsg) runStart--;
      cutFrom = runStart + Math.floor((lines.length - runStart) / 2);
    }
    const offsetMinutes = options.utcOffsetMinutes ?? 60;
    const stamp = options.spamdykeStamps === 'rfc3339'
      ? (l: SpamdykeLine) => clock.rfc3339(l.t, (l.seq * 7919) % 1000000, offsetMinutes)
      : options.spamdykeStamps === 'short-iso'
        ? (l: SpamdykeLine) => clock.shortIso(l.t, offsetMinutes)
        : options.spamdykeStamps === 'short-precise'
          ? (l: SpamdykeLine) => clock.shortPrecise(l.t, (l.seq * 7919) % 1000000)
          : (l: SpamdykeLine) => clock.syslog(l.t);
    const render = (l: SpamdykeLine) => `${stamp(l)} ${gen.host} spamdyke[${l.conn.pid}]: ${l.verdict} from: ${l.from} to: ${l.to} origin_ip: ${l.conn.ip} origin_rdns: ${l.conn.rdns} auth: ${l.conn.auth} encryption: ${l.conn.encryption} reason: ${l.reason}`;
    const verbose = options.spamdykeLogLevel === 'verbose';
    const diagnosticRng = new SeededRandom(options.seed, 9);
    const connectionsSeen = new Set<Connection>();
    for (let i = 0; i < lines.length && i <= cutFrom; i++) {
      const l = lines[i];
      const text = render(l);
      if (i > 0) {
        const n = garbage.count(1);
        for (let k = 0; k < n; k++) w.write(garbage.line(render(lines[i - 1])));
      }
      if (verbose && !connectionsSeen.has(l.conn)) {
        connectionsSeen.add(l.conn);
        const filter = filterLineFor(l, diagnosticRng);
        if (filter) {
          const lineNo = w.write(`${stamp(l)} ${gen.host} spamdyke[${l.conn.pid}]: ${filter}`);
          if (claims) claims[l.msg].push(roleIndex, lineNo);
        }
        // A process that only logs an error (its pid is above the range connections use here).
        if (diagnosticRng.chance(0.003)) w.write(`${stamp(l)} ${gen.host} spamdyke[${40000 + diagnosticRng.int(0, 9999)}]: ERROR(nihdns_query()@dns.c:412): unable to send data packet, tried to send 40 bytes: Network is unreachable`);
      }
      const lineNo = i === cutFrom ? w.writePartial(partialOf(text, renderRng)) : w.write(text);
      if (i === cutFrom) truncated.add(l.msg);
      if (claims) claims[l.msg].push(roleIndex, lineNo);
    }
    finish('spamdyke', w);
  }

  files.sort((a, b) => FILE_ROLES.indexOf(a.role) - FILE_ROLES.indexOf(b.role));
  const corpus: Corpus = { dir, files, messages: messageCount, spamdykeNullSender: gen.nullSenderInSpamdyke };
  if (claims) {
    const ambiguous = findAmbiguities(gen.messages);
    corpus.truth = gen.messages.map((m): TruthMessage => {
      const flat = claims[m.id];
      const lines: Array<[FileRole, number]> = [];
      for (let k = 0; k < flat.length; k += 2) lines.push([FILE_ROLES[flat[k]], flat[k + 1]]);
      const t: TruthMessage = { id: m.id, scenario: m.scenario, outcome: m.outcome, lines };
      if (m.bounceOf !== undefined) t.bounceOf = m.bounceOf;
      const amb = ambiguous.get(m.id);
      if (amb) t.ambiguousWith = [...amb].sort((a, b) => a - b);
      if (truncated.has(m.id)) t.truncated = true;
      return t;
    });
    writeTruth(path.join(dir, TRUTH_FILE), options, corpus);
  }
  return corpus;
}

/** The FILTER_* line spamdyke's verbose level writes for the check behind a verdict, if any. */
function filterLineFor(l: SpamdykeLine, rng: SeededRandom): string | undefined {
  const { ip, rdns } = l.conn;
  switch (l.verdict) {
    case 'DENIED_RDNS_MISSING': return `FILTER_RDNS_MISSING ip: ${ip}`;
    case 'DENIED_RDNS_RESOLVE': return `FILTER_RDNS_RESOLVE ip: ${ip} rdns: ${rdns}`;
    case 'DENIED_IP_IN_RDNS': return `FILTER_IP_IN_CC_RDNS ip: ${ip} rdns: ${rdns}`;
    case 'DENIED_RBL_MATCH': return `FILTER_RBL_MATCH ip: ${ip} rbl: zen.dnsbl.example`;
    case 'DENIED_BLACKLIST_IP': return `FILTER_BLACKLIST_IP ip: ${ip} file: /etc/spamdyke/blacklist_ip(12)`;
    case 'DENIED_SENDER_NO_MX': return `FILTER_SENDER_NO_MX domain: ${l.from.slice(l.from.indexOf('@') + 1)}`;
    case 'DENIED_EARLYTALKER': return `FILTER_EARLYTALKER delay: 2`;
    case 'DENIED_GRAYLISTED': return `FILTER_GRAYLISTED sender: ${l.from} recipient: ${l.to} path: /var/spamdyke/graylist/${l.to}`;
    case 'ALLOWED': return rng.chance(0.1) ? `FILTER_WHITELIST_NAME ip: ${ip} rdns: ${rdns} entry: .${rdns.slice(rdns.indexOf('.') + 1)}` : undefined;
    default: return undefined;
  }
}

function renderPrevious(g: DeliveryGroup, clock: Clock): string {
  const e = g.entries[g.entries.length - 1];
  const stamp = clock.smtp(e.t);
  return e.kind === INIT ? `${stamp}, init, ${e.text}` : `${stamp}, ${e.kind === TRY ? 'try' : 'result'}, ${e.attempt!.id}, ${e.text}`;
}

/**
 * Garbage before a group, after the blank separator: either standing alone between blank lines,
 * or glued to the group that follows it.
 */
function writeGarbage(w: LogWriter, garbage: Garbage, groupLines: number, sample: string): void {
  const n = garbage.count(groupLines);
  if (n === 0) return;
  for (let k = 0; k < n; k++) w.write(garbage.line(sample));
  if (garbage.standsAlone()) w.write('');
}

function writeGroup(w: LogWriter, lines: string[], msg: number, roleIndex: number, claims: number[][] | null,
  truncateRng: SeededRandom | null, truncated: Set<number>): void {
  const keep = truncateRng ? Math.floor(lines.length / 2) : lines.length;
  for (let k = 0; k < keep; k++) {
    const n = w.write(lines[k]);
    if (claims) claims[msg].push(roleIndex, n);
  }
  if (truncateRng) {
    const n = w.writePartial(partialOf(lines[keep], truncateRng));
    if (claims) claims[msg].push(roleIndex, n);
    truncated.add(msg);
  }
}

function assignDeliveryIds(attempts: Attempt[], mode: 'per-attempt' | 'per-message', rng: SeededRandom): void {
  attempts.sort((a, b) => a.t - b.t || a.seq - b.seq);
  let next = rng.int(10000, 900000);
  for (const a of attempts) {
    if (a.origin && mode === 'per-message') continue;
    a.id = next;
    next += rng.chance(0.2) ? rng.int(2, 4) : 1;
  }
  if (mode === 'per-message') for (const a of attempts) if (a.origin) a.id = a.origin.id;
}

function findAmbiguities(messages: MessageRecord[]): Map<number, Set<number>> {
  const out = new Map<number, Set<number>>();
  const link = (ids: number[]) => {
    for (const a of ids) for (const b of ids) {
      if (a === b) continue;
      let s = out.get(a);
      if (!s) out.set(a, (s = new Set()));
      s.add(b);
    }
  };
  const denied = new Map<string, number[]>();
  const queued = new Map<string, Array<{ t: number; id: number }>>();
  for (const m of messages) {
    if (m.deniedKeys) {
      for (const key of new Set(m.deniedKeys)) {
        const list = denied.get(key);
        if (list) list.push(m.id);
        else denied.set(key, [m.id]);
      }
    }
    if (m.queueKey !== undefined && m.queueTime !== undefined) {
      const list = queued.get(m.queueKey);
      if (list) list.push({ t: m.queueTime, id: m.id });
      else queued.set(m.queueKey, [{ t: m.queueTime, id: m.id }]);
    }
  }
  for (const ids of denied.values()) if (ids.length > 1) link(ids);
  for (const list of queued.values()) {
    if (list.length < 2) continue;
    list.sort((a, b) => a.t - b.t);
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length && list[j].t - list[i].t <= 3; j++) link([list[i].id, list[j].id]);
    }
  }
  return out;
}

/**
 * truth.json: a header (format, options, file names), then one message per line. To stay compact,
 * `lines` is stored per role as ranges, e.g. {"smtp25":"100-106","delivery":"50-52,90"};
 * loadCorpus turns it back into TruthMessage.
 */
function writeTruth(file: string, options: CorpusOptions, corpus: Corpus): void {
  const fd = fs.openSync(file, 'w');
  const head = {
    format: TRUTH_FORMAT,
    options,
    spamdykeNullSender: corpus.spamdykeNullSender,
    files: corpus.files.map((f) => ({ role: f.role, name: f.name, bytes: f.bytes })),
  };
  let buf = `${JSON.stringify(head).slice(0, -1)},"messages":[\n`;
  const truth = corpus.truth ?? [];
  for (let i = 0; i < truth.length; i++) {
    buf += JSON.stringify({ ...truth[i], lines: encodeLines(truth[i].lines) }) + (i + 1 < truth.length ? ',\n' : '\n');
    if (buf.length > CHUNK_CHARS) { fs.writeSync(fd, buf); buf = ''; }
  }
  buf += ']}\n';
  fs.writeSync(fd, buf);
  fs.closeSync(fd);
}

const TRUTH_FORMAT = 'mail-log-lens-corpus-truth/1';

function encodeLines(lines: Array<[FileRole, number]>): Partial<Record<FileRole, string>> {
  const byRole: Partial<Record<FileRole, string>> = {};
  for (const role of FILE_ROLES) {
    const ns = lines.filter(([r]) => r === role).map(([, n]) => n).sort((a, b) => a - b);
    if (ns.length === 0) continue;
    const ranges: string[] = [];
    for (let i = 0; i < ns.length;) {
      let j = i;
      while (j + 1 < ns.length && ns[j + 1] === ns[j] + 1) j++;
      ranges.push(j === i ? String(ns[i]) : `${ns[i]}-${ns[j]}`);
      i = j + 1;
    }
    byRole[role] = ranges.join(',');
  }
  return byRole;
}

function decodeLines(byRole: Partial<Record<FileRole, string>>): Array<[FileRole, number]> {
  const lines: Array<[FileRole, number]> = [];
  for (const role of FILE_ROLES) {
    const text = byRole[role];
    if (!text) continue;
    for (const range of text.split(',')) {
      const [a, b] = range.split('-').map(Number);
      for (let n = a; n <= (b ?? a); n++) lines.push([role, n]);
    }
  }
  return lines;
}

/** Reads a corpus written by generateCorpus (with its truth.json) back in. */
export function loadCorpus(dir: string): Corpus & { truth: TruthMessage[] } {
  const data = JSON.parse(fs.readFileSync(path.join(dir, TRUTH_FILE), 'utf8')) as {
    format: string; spamdykeNullSender: string; files: Array<{ role: FileRole; name: string; bytes: number }>;
    messages: Array<Omit<TruthMessage, 'lines'> & { lines: Partial<Record<FileRole, string>> }>;
  };
  if (data.format !== TRUTH_FORMAT) throw new Error(`${dir}: unknown truth format ${data.format}`);
  return {
    dir,
    files: data.files.map((f) => ({ ...f, path: path.join(dir, f.name) })),
    truth: data.messages.map((m) => ({ ...m, lines: decodeLines(m.lines) })),
    messages: data.messages.length,
    spamdykeNullSender: data.spamdykeNullSender,
  };
}
