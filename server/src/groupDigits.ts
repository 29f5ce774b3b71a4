/**
 * A count with thousands separators (120,000). Not toLocaleString: loading ICU's locale data for
 * it raised the CLI's peak memory by about 6 MiB.
 */
export function groupDigits(x: number): string {
  const digits = String(Math.abs(Math.trunc(x)));
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
    out += digits[i];
  }
  return (x < 0 ? '-' : '') + out;
}
