// Checks on the grammar files themselves: what package.json declares, that every scope follows the
// naming rules and is documented in syntaxes/SCOPES.md, that every regex compiles in Oniguruma,
// that includes resolve, and that realistic lines exercise every scope a grammar can emit.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import {
  DELIVERY_SCOPE,
  REPO_ROOT,
  SMTP_SCOPE,
  SPAMDYKE_SCOPE,
  allScopes,
  grammarContributions,
  grammarFile,
  loadGrammar,
  tokenizeDocument,
} from './tokenize';

interface GrammarInfo {
  scopeName: string;
  language: string;
  file: string;
  suffix: string;
  column: number;
}

const GRAMMARS: GrammarInfo[] = [
  { scopeName: SMTP_SCOPE, language: 'qmail-smtp-log', file: 'syntaxes/qmail-smtp-log.tmLanguage.json', suffix: 'qmail-smtp', column: 1 },
  { scopeName: DELIVERY_SCOPE, language: 'qmail-delivery-log', file: 'syntaxes/qmail-delivery-log.tmLanguage.json', suffix: 'qmail-delivery', column: 2 },
  { scopeName: SPAMDYKE_SCOPE, language: 'spamdyke-log', file: 'syntaxes/spamdyke-log.tmLanguage.json', suffix: 'spamdyke', column: 3 },
];

// Roots that Dark+/Light+/Monokai give a colour (or, for punctuation, the conventional root for
// delimiters). meta, invalid, comment etc. are deliberately absent.
const ALLOWED_ROOTS = new Set(['constant', 'entity', 'keyword', 'markup', 'punctuation', 'string', 'support']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function readGrammar(info: GrammarInfo): { [key: string]: Json } {
  return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, info.file), 'utf8'));
}

function walk(node: Json, visit: (key: string, value: Json, parent: { [key: string]: Json }) => void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      visit(key, value, node);
      walk(value, visit);
    }
  }
}

function emittedScopes(grammar: { [key: string]: Json }): Set<string> {
  const scopes = new Set<string>();
  walk(grammar.repository, (key, value) => {
    if ((key === 'name' || key === 'contentName') && typeof value === 'string') value.split(/\s+/).forEach((s) => scopes.add(s));
  });
  walk(grammar.patterns, (key, value) => {
    if ((key === 'name' || key === 'contentName') && typeof value === 'string') value.split(/\s+/).forEach((s) => scopes.add(s));
  });
  return scopes;
}

function regexes(grammar: { [key: string]: Json }): string[] {
  const found: string[] = [];
  walk(grammar, (key, value) => {
    if ((key === 'match' || key === 'begin' || key === 'end' || key === 'while') && typeof value === 'string') found.push(value);
  });
  return found;
}

/** Rows of the big table in SCOPES.md: scope stem and the three grammar columns. */
function documentedScopes(): { stem: string; columns: boolean[] }[] {
  const text = fs.readFileSync(path.join(REPO_ROOT, 'syntaxes/SCOPES.md'), 'utf8');
  const rows: { stem: string; columns: boolean[] }[] = [];
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    // | `scope` | ✓ | ✓ | ✓ | meaning |  -> ['', '`scope`', '✓', '✓', '✓', 'meaning', '']
    if (cells.length < 7 || !/^`[a-z][a-z0-9.-]*`$/.test(cells[1])) continue;
    if (!cells.slice(2, 5).every((c) => c === '' || c === '✓')) continue;
    rows.push({ stem: cells[1].slice(1, -1), columns: cells.slice(2, 5).map((c) => c === '✓') });
  }
  return rows;
}

before(async () => {
  await loadGrammar(SMTP_SCOPE); // loads the Oniguruma WebAssembly module used below
});

describe('grammar files', () => {
  test('package.json contributes the three grammars with the agreed language ids, scopes and paths', () => {
    const contributions = grammarContributions();
    for (const info of GRAMMARS) {
      const c = contributions.find((x) => x.scopeName === info.scopeName);
      assert.ok(c, info.scopeName);
      assert.equal(c.language, info.language);
      assert.equal(path.normalize(c.path), path.normalize('./' + info.file));
      assert.equal(grammarFile(info.scopeName), path.join(REPO_ROOT, info.file));
      assert.equal(readGrammar(info).scopeName, info.scopeName);
    }
  });

  for (const info of GRAMMARS) {
    test(`${info.suffix}: every scope has an allowed root and the grammar suffix`, () => {
      const scopes = emittedScopes(readGrammar(info));
      assert.ok(scopes.size > 10);
      for (const scope of scopes) {
        assert.ok(ALLOWED_ROOTS.has(scope.split('.')[0]), `${scope}: root not allowed`);
        assert.ok(scope.endsWith(`.${info.suffix}`), `${scope}: suffix`);
        assert.ok(!scope.includes('$'), `${scope}: scope names are fixed, not built from captures`);
      }
    });

    test(`${info.suffix}: SCOPES.md lists exactly the scopes the grammar emits`, () => {
      const documented = new Set(documentedScopes().filter((r) => r.columns[info.column - 1]).map((r) => `${r.stem}.${info.suffix}`));
      const emitted = emittedScopes(readGrammar(info));
      assert.deepEqual([...emitted].filter((s) => !documented.has(s)).sort(), [], 'emitted but not documented');
      assert.deepEqual([...documented].filter((s) => !emitted.has(s)).sort(), [], 'documented but not emitted');
    });

    test(`${info.suffix}: every include resolves and every regex compiles`, () => {
      const grammar = readGrammar(info);
      const repository = grammar.repository as { [key: string]: Json };
      walk(grammar, (key, value) => {
        if (key !== 'include' || typeof value !== 'string') return;
        assert.ok(value.startsWith('#'), `only local includes: ${value}`);
        assert.ok(Object.hasOwn(repository, value.slice(1)), `missing repository rule ${value}`);
      });
      for (const re of regexes(grammar)) {
        assert.doesNotThrow(() => new oniguruma.OnigScanner([re]).dispose(), re);
        // In Oniguruma's Ruby syntax, X{n,m}+ is NOT possessive but X{n,m} repeated one or more
        // times: a nested quantifier that backtracks badly. Use (?>X{n,m}) instead.
        assert.doesNotMatch(re, /\{\d*,?\d*\}\+/, `interval followed by + in ${re}`);
      }
    });
  }

  test('the rules shared by the three grammars are identical', () => {
    const shared = ['ipv4', 'ipv6', 'enhanced-status', 'address-bracketed'];
    const [first, ...others] = GRAMMARS.map((g) => ({ info: g, repo: readGrammar(g).repository as { [key: string]: { [key: string]: Json } } }));
    for (const rule of shared) {
      const unsuffixed = (g: typeof first) => JSON.stringify(g.repo[rule]).split(`.${g.info.suffix}"`).join('"');
      for (const other of others) assert.equal(unsuffixed(other), unsuffixed(first), `${rule} differs between ${first.info.suffix} and ${other.info.suffix}`);
    }
  });
});

// Realistic samples (documentation domains and IP ranges) that together use every scope.
const SAMPLES: Record<string, string> = {
  [SMTP_SCOPE]: [
    '2021-03-09 11:10:37, from, spam@mail.spam-source.net',
    '2021-03-09 11:10:37, resp, 250 ok',
    '2021-03-09 11:10:37, to, <recipient@example.com>',
    '2021-03-09 11:10:37, resp, 554 "Refused. You have no reverse DNS entry. Contact abuse@example.com for details."',
    '',
    '2021-03-09 12:43:51, from, correspondent@elsewhere.example.net',
    '2021-03-09 12:43:51, resp, 250 ok',
    '2021-03-09 12:43:51, to, <recipient@example.com>',
    '2021-03-09 12:43:51, check, accepted rcpt, h:198.51.100.25, recipient@example.com, found existing recipient',
    '2021-03-09 12:43:51, resp, 250 ok',
    '2021-03-09 12:43:51, resp, 354 go ahead',
    '2021-03-09 12:43:51, size, 23533',
    '2021-03-09 12:43:51, resp, 250 ok 1615286631 qp 15309',
    '',
    '2021-03-09 13:00:02, from, ',
    '2021-03-09 13:00:02, resp, 250 ok',
    '2021-03-09 13:00:02, to, <nobody@example.com>',
    '2021-03-09 13:00:02, check, rejected rcpt, h:2001:db8::25, nobody@example.com, not existing recipient',
    '2021-03-09 13:00:02, resp, 511 sorry, no mailbox here by that name (#5.1.1 - chkuser)',
    '2021-03-09 13:00:03, check, intrusion threshold, h:2001:db8::25, nobody@example.com, max number of allowed invalid rcpt',
    '2021-03-09 13:00:04, resp, 451 qq temporary problem (#4.3.0)',
    '2021-03-09 13:00:05, resp, 250 2.0.0 ok',
    '2021-03-09 13:00:06, from, <>',
    '2021-03-09 13:00:07, auth, login of mailbox@example.com from unknown:203.0.113.40',
  ].join('\r\n'),
  [DELIVERY_SCOPE]: [
    '2021-03-09 12:43:51, init, <correspondent@elsewhere.example.net>',
    '2021-03-09 12:43:51, try, 114878, local, recipient@example.com',
    '2021-03-09 12:43:51, result, 114878, success, did_0+0+1/',
    '',
    '2021-03-09 14:02:10, init, <>',
    '2021-03-09 14:02:10, try, 114890, remote, friend@elsewhere.example.net',
    '2021-03-09 14:02:11, result, 114890, deferral, Connected_to_2001:db8::25_but_greeting_failed./Remote_host_said:_421_4.3.2_busy/',
    '2021-03-09 14:32:11, try, 114891, remote, friend@elsewhere.example.net',
    '2021-03-09 14:32:12, result, 114891, success, smtp_auth/192.0.2.7_accepted_message./Remote_host_said:_250_ok_1615300332_qp_4711/',
    '2021-03-09 14:40:00, result, 114892, success, 192.0.2.7_accepted_message./Remote_host_said:_250_2.0.0_OK/',
    '2021-03-09 15:30:00, result, 114900, failure, 192.0.2.7_does_not_like_recipient./Remote_host_said:_550_5.1.1_<first_last@elsewhere.example.net>:_unknown_user/Giving_up_on_192.0.2.7./',
    '2021-03-09 15:30:01, result, 114901, deferral, Remote_host_said:_354_odd_but_possible/',
    '2021-03-09 15:30:02, init, ',
    '2021-03-09 15:30:03, status, local 1/10 remote 3/20',
  ].join('\n'),
  [SPAMDYKE_SCOPE]: [
    'Mar  9 11:10:37 server spamdyke[29207]: DENIED_RDNS_MISSING from: spam@mail.spam-source.net to: recipient@example.com origin_ip: 203.0.113.9 origin_rdns: (unknown) auth: (unknown) encryption: (none) reason: (empty)',
    'Mar  9 12:43:51 server spamdyke[15280]: ALLOWED from: correspondent@elsewhere.example.net to: recipient@example.com origin_ip: 2001:db8::25 origin_rdns: mail.elsewhere.example.net auth: (unknown) encryption: (none) reason: 250_ok_1615286631_qp_15309',
    'Mar  9 12:50:00 server spamdyke[15290]: DENIED_OTHER from: a@elsewhere.example.net to: nobody@example.com origin_ip: 198.51.100.8 origin_rdns: mx.elsewhere.example.net auth: (unknown) encryption: (none) reason: 511_sorry,_no_mailbox_(#5.1.1_-_chkuser)',
    'Mar  9 12:51:00 server spamdyke[15291]: DENIED_GRAYLISTED from: a@elsewhere.example.net to: b@example.com origin_ip: 198.51.100.8 origin_rdns: mx.elsewhere.example.net auth: (unknown) encryption: (none) reason: 421_4.7.1_graylisted_for_<b@example.com>',
    'Mar  9 12:52:00 server spamdyke[15292]: ALLOWED from: a@elsewhere.example.net to: b@example.com origin_ip: 198.51.100.8 origin_rdns: mx.elsewhere.example.net auth: (unknown) encryption: TLS reason: 250_2.0.0_ok',
    'Mar  9 12:53:00 server spamdyke[15293]: TIMEOUT from: (unknown) to: (unknown) origin_ip: 203.0.113.50 origin_rdns: (unknown) auth: (unknown) encryption: (none) reason: 354_go_ahead',
  ].join('\r\n'),
};

describe('realistic samples exercise every scope', () => {
  for (const info of GRAMMARS) {
    test(info.suffix, async () => {
      const grammar = await loadGrammar(info.scopeName);
      const seen = new Set<string>();
      for (const line of tokenizeDocument(grammar, SAMPLES[info.scopeName])) for (const s of allScopes(line)) seen.add(s);
      seen.delete(info.scopeName);
      assert.deepEqual([...emittedScopes(readGrammar(info))].filter((s) => !seen.has(s)).sort(), [], 'never produced by the samples');
      assert.deepEqual([...seen].filter((s) => !s.endsWith(`.${info.suffix}`)).sort(), []);
    });
  }
});
