import { TextDocuments } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LINE_BREAK } from '../core/lineBreaks';
import { OpenTexts } from './lineText';

/** The lines of the editors' open documents, split once per document version. */
export class OpenDocumentLines implements OpenTexts {
  private readonly uriOfPath = new Map<string, string>();
  private readonly cache = new Map<string, { version: number; lines: string[] }>();

  constructor(private readonly documents: TextDocuments<TextDocument>) {}

  opened(path: string, uri: string): void {
    this.uriOfPath.set(path, uri);
  }

  closed(path: string): void {
    this.uriOfPath.delete(path);
    this.cache.delete(path);
  }

  lines(path: string): string[] | undefined {
    const uri = this.uriOfPath.get(path);
    const doc = uri ? this.documents.get(uri) : undefined;
    if (!doc) return undefined;
    const cached = this.cache.get(path);
    if (cached && cached.version === doc.version) return cached.lines;
    const lines = doc.getText().split(LINE_BREAK);
    this.cache.set(path, { version: doc.version, lines });
    return lines;
  }
}
