// Compares correlation with a generated corpus's ground truth: a message counts as right when
// references from every one of its lines return exactly its lines.
import * as path from 'path';
import { findLogFiles, LogIndex } from '../../server/src/core/logIndex';
import { Snapshot } from '../../server/src/core/snapshot';
import { Corpus, TruthMessage } from './generator';

export interface Accuracy {
  total: number;
  right: number;
  ratio: number;
  wrong: Array<{ truth: TruthMessage; got: string[] }>;
}

export async function indexFolder(dir: string): Promise<Snapshot> {
  const index = new LogIndex();
  for (const f of await findLogFiles([dir])) await index.indexFileAs(f.path, f.format);
  return index.snapshot();
}

export function accuracy(snap: Snapshot, corpus: Corpus & { truth: TruthMessage[] }): Accuracy {
  const pathOf = new Map(corpus.files.map((f) => [f.role, path.resolve(corpus.dir, f.name)]));
  let right = 0;
  const wrong: Accuracy['wrong'] = [];
  for (const t of corpus.truth) {
    const want = new Set(t.lines.map(([role, line]) => `${pathOf.get(role)}:${line}`));
    let ok = t.lines.length > 0;
    let got: string[] = [];
    for (const [role, line] of t.lines) {
      const m = snap.messageAt(pathOf.get(role)!, line);
      got = m ? snap.linesOf(m).map((r) => `${r.file.path}:${r.line}`) : [];
      if (got.length !== want.size || got.some((k) => !want.has(k))) {
        ok = false;
        break;
      }
    }
    if (ok) right++;
    else wrong.push({ truth: t, got });
  }
  return { total: corpus.truth.length, right, ratio: corpus.truth.length ? right / corpus.truth.length : 1, wrong };
}
