// Loads the extension's TextMate grammars the way VS Code does (vscode-textmate on top of the
// vscode-oniguruma WebAssembly engine) and offers small helpers to ask which text got which scope.
import * as fs from 'node:fs';
import { before } from 'node:test';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

export interface Token {
  text: string;
  start: number;
  end: number;
  scopes: string[];
}

export interface TokenizedLine {
  line: string;
  tokens: Token[];
}

export const SMTP_SCOPE = 'text.log.qmail-smtp';
export const DELIVERY_SCOPE = 'text.log.qmail-delivery';
export const SPAMDYKE_SCOPE = 'text.log.spamdyke';

function findRepoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'mail-log-lens') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`package.json of mail-log-lens not found above ${__dirname}`);
    dir = parent;
  }
}

export const REPO_ROOT = findRepoRoot();

interface GrammarContribution {
  language: string;
  scopeName: string;
  path: string;
}

/** The grammars as package.json contributes them, so a wrong path or scope name there fails the tests too. */
export function grammarContributions(): GrammarContribution[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  return manifest.contributes.grammars as GrammarContribution[];
}

export function grammarFile(scopeName: string): string {
  const contribution = grammarContributions().find((g) => g.scopeName === scopeName);
  if (!contribution) throw new Error(`package.json contributes no grammar with scope ${scopeName}`);
  return path.join(REPO_ROOT, contribution.path);
}

let registry: vsctm.Registry | undefined;
let onigLib: Promise<vsctm.IOnigLib> | undefined;
const grammars = new Map<string, Promise<vsctm.IGrammar>>();

function getOnigLib(): Promise<vsctm.IOnigLib> {
  onigLib ??= oniguruma.loadWASM(fs.readFileSync(path.join(REPO_ROOT, 'node_modules/vscode-oniguruma/release/onig.wasm'))).then(() => ({
    createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
    createOnigString: (text: string) => new oniguruma.OnigString(text),
  }));
  return onigLib;
}

async function getRegistry(): Promise<vsctm.Registry> {
  if (registry) return registry;
  registry = new vsctm.Registry({
    onigLib: getOnigLib(),
    loadGrammar: async (scopeName) => {
      const file = grammarFile(scopeName);
      return vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
    },
  });
  return registry;
}

export function loadGrammar(scopeName: string): Promise<vsctm.IGrammar> {
  let grammar = grammars.get(scopeName);
  if (!grammar) {
    grammar = getRegistry().then(async (reg) => {
      const loaded = await reg.loadGrammar(scopeName);
      if (!loaded) throw new Error(`grammar ${scopeName} did not load`);
      return loaded;
    });
    grammars.set(scopeName, grammar);
  }
  return grammar;
}

/** A grammar given as an object rather than a file (for tests of the test tooling itself). */
export async function loadGrammarFromObject(raw: { scopeName: string }): Promise<vsctm.IGrammar> {
  const own = new vsctm.Registry({
    onigLib: getOnigLib(),
    loadGrammar: async (scopeName) => (scopeName === raw.scopeName ? vsctm.parseRawGrammar(JSON.stringify(raw), 'inline.json') : null),
  });
  const grammar = await own.loadGrammar(raw.scopeName);
  if (!grammar) throw new Error(`grammar ${raw.scopeName} did not load`);
  return grammar;
}

/** Tokenizes one line (no line break inside) starting from `state` (a fresh document by default). */
export function tokenizeLine(
  grammar: vsctm.IGrammar,
  line: string,
  state: vsctm.StateStack = vsctm.INITIAL,
): { tokenized: TokenizedLine; state: vsctm.StateStack } {
  const result = grammar.tokenizeLine(line, state);
  const tokens: Token[] = [];
  for (const t of result.tokens) {
    const start = Math.min(t.startIndex, line.length);
    const end = Math.min(t.endIndex, line.length);
    if (end > start) tokens.push({ text: line.slice(start, end), start, end, scopes: t.scopes });
  }
  return { tokenized: { line, tokens }, state: result.ruleStack };
}

/** Splits a document into lines the way VS Code's text model does (CRLF, LF or lone CR) and tokenizes them in order. */
export function tokenizeDocument(grammar: vsctm.IGrammar, text: string, splitter: RegExp = /\r\n|\r|\n/): TokenizedLine[] {
  let state = vsctm.INITIAL;
  return text.split(splitter).map((line) => {
    const r = tokenizeLine(grammar, line, state);
    state = r.state;
    return r.tokenized;
  });
}

export function tokenize(grammar: vsctm.IGrammar, line: string): TokenizedLine {
  return tokenizeLine(grammar, line).tokenized;
}

/**
 * The texts of the maximal runs of characters whose token carries exactly `scope`
 * (one of the scopes on the token's stack), in line order. Adjacent tokens that both carry
 * the scope are merged, so `<>` under one null-sender scope comes back as one run.
 */
export function textsWithScope(tokenized: TokenizedLine, scope: string): string[] {
  const runs: string[] = [];
  let runStart = -1;
  let runEnd = -1;
  for (const t of tokenized.tokens) {
    if (t.scopes.includes(scope)) {
      if (runStart >= 0 && t.start === runEnd) {
        runEnd = t.end;
      } else {
        if (runStart >= 0) runs.push(tokenized.line.slice(runStart, runEnd));
        runStart = t.start;
        runEnd = t.end;
      }
    }
  }
  if (runStart >= 0) runs.push(tokenized.line.slice(runStart, runEnd));
  return runs;
}

/** Every scope found anywhere on the line (deduplicated), to check what was NOT emitted. */
export function allScopes(tokenized: TokenizedLine): Set<string> {
  const scopes = new Set<string>();
  for (const t of tokenized.tokens) for (const s of t.scopes) scopes.add(s);
  return scopes;
}

/** Scopes that start with `prefix` anywhere on the line. */
export function scopesStartingWith(tokenized: TokenizedLine, prefix: string): string[] {
  return [...allScopes(tokenized)].filter((s) => s.startsWith(prefix)).sort();
}

/** The scope stack of the character at `offset`. */
export function scopesAt(tokenized: TokenizedLine, offset: number): string[] {
  const token = tokenized.tokens.find((t) => t.start <= offset && offset < t.end);
  if (!token) throw new Error(`no token at offset ${offset} of ${JSON.stringify(tokenized.line)}`);
  return token.scopes;
}

/** True when the line carries nothing but the grammar's root scope. */
export function onlyRootScope(tokenized: TokenizedLine, rootScope: string): boolean {
  return tokenized.tokens.every((t) => t.scopes.length === 1 && t.scopes[0] === rootScope);
}

/**
 * The setup every grammar test file shares: loads the grammar before the tests and gives the
 * tokenizing helpers, with scopes named by their stem (`S('keyword.other')` adds the suffix).
 */
export function useGrammar(scopeName: string, suffix: string) {
  let grammar: vsctm.IGrammar;
  before(async () => {
    grammar = await loadGrammar(scopeName);
  });
  const S = (stem: string) => `${stem}.${suffix}`;
  const tok = (line: string): TokenizedLine => tokenize(grammar, line);
  const scoped = (line: string | TokenizedLine, stem: string): string[] => textsWithScope(typeof line === 'string' ? tok(line) : line, S(stem));
  const doc = (text: string, splitter?: RegExp): TokenizedLine[] => tokenizeDocument(grammar, text, splitter);
  return { S, tok, scoped, doc };
}
