// Writes a generated log download to a directory:
//   node out/test/corpus/cli.js --out DIR [--accuracy] [--seed N] [--messages N] [--crlf] [--bom]
//     [--no-smtp-blank-lines] [--no-delivery-blank-lines]
//     [--start "YYYY-MM-DD HH:MM:SS"] [--retry-layout inline|separate|mixed]
//     [--delivery-ids per-attempt|per-message] [--names real|opaque] [--no-truth]
//     [--run-together F] [--garbage F] [--truncate] [--utc-offset MINUTES] [--rate MSGS_PER_SECOND]
//     [--spamdyke-stamps classic|rfc3339|short-iso|short-precise] [--spamdyke-log-level info|verbose] [--idn-spellings per-message|mixed]
import { CorpusOptions, generateCorpus, loadCorpus } from './generator';
import { accuracy, indexFolder } from './accuracy';

const USAGE = `usage: node out/test/corpus/cli.js --out DIR [--accuracy] [--seed N] [--messages N] [--crlf] [--bom]
  [--no-smtp-blank-lines] [--no-delivery-blank-lines]
  [--start "YYYY-MM-DD HH:MM:SS"] [--retry-layout inline|separate|mixed]
  [--delivery-ids per-attempt|per-message] [--names real|opaque] [--no-truth]
  [--run-together F] [--garbage F] [--truncate] [--utc-offset MINUTES] [--rate MSGS_PER_SECOND]
  [--spamdyke-stamps classic|rfc3339|short-iso|short-precise] [--spamdyke-log-level info|verbose] [--idn-spellings per-message|mixed]`;

class UsageError extends Error {}

function oneOf<const T extends string>(v: string, flag: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`bad value for ${flag}: ${v}`);
  return v as T;
}

function parseArgs(argv: string[]): { out: string; options: CorpusOptions; withTruth: boolean; measure: boolean } {
  let out: string | undefined;
  let withTruth = true;
  let measure = false;
  const options: CorpusOptions = { seed: 1, messages: 2000 };
  const value = (i: number, flag: string): string => {
    if (i >= argv.length) throw new UsageError(`${flag} needs a value`);
    return argv[i];
  };
  const number = (text: string, flag: string, check: (n: number) => boolean): number => {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UsageError(`bad value for ${flag}: ${text}`);
    return n;
  };
  const fraction = (text: string, flag: string) => number(text, flag, (n) => n >= 0 && n <= 1);
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    switch (flag) {
      case '--out': out = value(++i, flag); break;
      case '--accuracy': measure = true; break;
      case '--seed': options.seed = number(value(++i, flag), flag, Number.isSafeInteger); break;
      case '--messages': options.messages = number(value(++i, flag), flag, (n) => Number.isInteger(n) && n >= 0); break;
      case '--crlf': options.crlf = true; break;
      case '--no-delivery-blank-lines': options.deliveryBlankLines = false; break;
      case '--no-smtp-blank-lines': options.smtpBlankLines = false; break;
      case '--bom': options.bom = true; break;
      case '--start': options.start = value(++i, flag); break;
      case '--retry-layout': options.retryLayout = oneOf(value(++i, flag), flag, ['inline', 'separate', 'mixed']); break;
      case '--delivery-ids': options.deliveryIds = oneOf(value(++i, flag), flag, ['per-attempt', 'per-message']); break;
      case '--names': options.names = oneOf(value(++i, flag), flag, ['real', 'opaque']); break;
      case '--spamdyke-stamps': options.spamdykeStamps = oneOf(value(++i, flag), flag, ['classic', 'rfc3339', 'short-iso', 'short-precise']); break;
      case '--spamdyke-log-level': options.spamdykeLogLevel = oneOf(value(++i, flag), flag, ['info', 'verbose']); break;
      case '--idn-spellings': options.idnSpellings = oneOf(value(++i, flag), flag, ['per-message', 'mixed']); break;
      case '--no-truth': withTruth = false; break;
      case '--run-together': options.runTogether = fraction(value(++i, flag), flag); break;
      case '--garbage': options.garbage = number(value(++i, flag), flag, (n) => n >= 0 && n <= 10); break;
      case '--truncate': options.truncate = true; break;
      case '--utc-offset': options.utcOffsetMinutes = number(value(++i, flag), flag, (n) => Number.isInteger(n) && Math.abs(n) <= 14 * 60); break;
      case '--rate': options.messagesPerSecond = number(value(++i, flag), flag, (n) => n > 0); break;
      case '-h':
      case '--help':
        console.log(USAGE);
        process.exit(0);
        break;
      default: throw new UsageError(`unknown argument: ${flag}`);
    }
  }
  if (!out) throw new UsageError('--out DIR is required');
  if (measure && !withTruth) throw new UsageError('--accuracy needs the truth: leave out --no-truth');
  return { out, options, withTruth, measure };
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`${e.message}\n${USAGE}`);
      process.exit(2);
    }
    throw e;
  }
  const started = process.hrtime.bigint();
  const corpus = generateCorpus(args.out, args.options, args.withTruth);
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  let total = 0;
  const width = Math.max(...corpus.files.map((f) => f.path.length));
  for (const f of corpus.files) {
    total += f.bytes;
    console.log(`${f.path.padEnd(width)}  ${f.role.padEnd(8)}  ${String(f.bytes).padStart(12)} bytes  (${formatBytes(f.bytes)})`);
  }
  console.log(`total ${total} bytes (${formatBytes(total)}) in ${corpus.files.length} files`);
  console.log(`messages ${corpus.messages}${corpus.truth ? ' (truth.json written)' : ''}, ${(total / Math.max(1, corpus.messages)).toFixed(0)} bytes per message`);
  console.log(`elapsed ${elapsed.toFixed(2)} s`);
  if (args.measure) {
    const a = accuracy(await indexFolder(args.out), loadCorpus(args.out));
    console.log(`references exactly right for ${a.right} of ${a.total} messages (${(a.ratio * 100).toFixed(2)}%)`);
  }
}

void main();
