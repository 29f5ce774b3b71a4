// One mailbox can be spelt two ways in a download: an internationalized domain as UTF-8
// (`bücher.example`) or as punycode (`xn--bcher-kva.example`), and non-ASCII text composed or
// decomposed. Which one a log holds depends on the client and the program that logged it, so
// correlation compares addresses by a key that does not depend on the spelling.
import { domainToASCII, domainToUnicode } from 'url';
import { Interner } from './columns';

const NON_ASCII = /[^\x00-\x7f]/;

export function isAscii(s: string): boolean {
  return !NON_ASCII.test(s);
}

/**
 * The spelling-independent form of an address as the scanner interned it (lower case): the
 * domain in its ASCII form, the local part composed (NFC). ASCII addresses are their own key.
 */
export function addressKey(address: string): string {
  if (isAscii(address)) return address;
  const at = address.lastIndexOf('@');
  if (at < 0) return address.normalize('NFC');
  const domain = address.slice(at + 1);
  const ascii = isAscii(domain) ? domain : domainToASCII(domain);
  return `${address.slice(0, at).normalize('NFC')}@${ascii || domain.normalize('NFC')}`;
}

/**
 * The address with its internationalized domain in the other spelling: punycode for a UTF-8
 * domain, UTF-8 for a punycode one; undefined for other addresses.
 */
export function otherSpelling(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  if (at < 0) return undefined;
  const domain = address.slice(at + 1);
  let other: string;
  if (!isAscii(domain)) other = domainToASCII(domain);
  else if (/(^|\.)xn--/i.test(domain)) other = domainToUnicode(domain);
  else return undefined;
  return other && other !== domain ? `${address.slice(0, at)}@${other}` : undefined;
}

/**
 * Per interned string id, the id of its address key (itself for most). Keys that were not
 * interned yet are added to `strings` here, before any caller sizes a table by its length.
 */
export function addressKeys(strings: Interner): Int32Array {
  const changed: Array<[number, string]> = [];
  const n = strings.values.length;
  for (let id = 0; id < n; id++) {
    const s = strings.values[id];
    if (isAscii(s)) continue;
    const key = addressKey(s);
    if (key !== s) changed.push([id, key]);
  }
  const keyIds = changed.map(([, key]) => strings.id(key));
  const keys = new Int32Array(strings.values.length);
  for (let id = 0; id < keys.length; id++) keys[id] = id;
  changed.forEach(([id], i) => (keys[id] = keyIds[i]));
  return keys;
}
