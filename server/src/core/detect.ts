import { LogFormat } from './entry';
import { LINE_BREAK } from './lineBreaks';
import { parseIsoLocal, parseSyslogStamp } from './time';
import { skipLeading } from './parseCommon';

const SMTP_KIND = /^(from|to|resp|check|size), /;
const DELIVERY_KIND = /^(init|try|result), /;
const SPAMDYKE = / spamdyke\[\d+\]: /;

/**
 * Decides the format of a log from a sample of its first lines, by content only. Lines that
 * match no format are tolerated (junk, a cut first line) as long as most lines agree.
 */
export function detectFormat(sample: string, maxLines = 60): LogFormat | undefined {
  let smtp = 0, delivery = 0, spamdyke = 0, other = 0, seen = 0;
  for (const line of sample.split(LINE_BREAK)) {
    if (seen >= maxLines) break;
    if (!line.trim()) continue;
    seen++;
    const at = skipLeading(line);
    if (!Number.isNaN(parseIsoLocal(line, at)) && line.charCodeAt(at + 19) === 44) {
      const rest = line.slice(at + 21);
      if (SMTP_KIND.test(rest)) smtp++;
      else if (DELIVERY_KIND.test(rest)) delivery++;
      else other++;
    } else if (parseSyslogStamp(line, at) && SPAMDYKE.test(line)) {
      spamdyke++;
    } else {
      other++;
    }
  }
  const best = Math.max(smtp, delivery, spamdyke);
  if (best === 0 || best < (smtp + delivery + spamdyke + other) / 2) return undefined;
  if (best === spamdyke) return 'spamdyke';
  return smtp >= delivery ? 'smtp' : 'delivery';
}

/** The listening port an SMTP log belongs to, from its file name (e.g. `smtp_587.log`). */
export function portFromFileName(name: string): number | undefined {
  const m = /(?:^|[^0-9])(25|465|587)(?:[^0-9]|$)/.exec(name.replace(/^.*[\\/]/, ''));
  return m ? Number(m[1]) : undefined;
}
