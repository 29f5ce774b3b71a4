import { LogFormat, ParsedLine } from './entry';
import { parseSmtpLine } from './smtp';
import { parseDeliveryLine } from './delivery';
import { parseSpamdykeLine } from './spamdyke';

/** The full parse of one line: entries with the range of every field. */
export function parseLine(format: LogFormat, line: string): ParsedLine {
  switch (format) {
    case 'smtp': return parseSmtpLine(line);
    case 'delivery': return parseDeliveryLine(line);
    case 'spamdyke': return parseSpamdykeLine(line);
  }
}
