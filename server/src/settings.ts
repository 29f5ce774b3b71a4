export type DiagnosticsLevel = 'none' | 'failures' | 'refusals';

export interface Settings {
  /** Glob-like file name patterns (matched against the base name) of files that may be logs. */
  logFiles: string[];
  correlationWindowSeconds: number;
  spamdykeYear: number | null;
  inlayHints: boolean;
  diagnostics: DiagnosticsLevel;
}

export const DEFAULT_SETTINGS: Settings = {
  logFiles: ['*'],
  correlationWindowSeconds: 60,
  spamdykeYear: null,
  inlayHints: true,
  diagnostics: 'failures',
};

export function readSettings(raw: unknown): Settings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const s: Settings = { ...DEFAULT_SETTINGS };
  if (Array.isArray(r.logFiles) && r.logFiles.every((x) => typeof x === 'string')) s.logFiles = r.logFiles as string[];
  if (typeof r.correlationWindowSeconds === 'number' && r.correlationWindowSeconds > 0) s.correlationWindowSeconds = r.correlationWindowSeconds;
  if (typeof r.spamdykeYear === 'number' && r.spamdykeYear > 1970) s.spamdykeYear = r.spamdykeYear;
  if (typeof r.inlayHints === 'boolean') s.inlayHints = r.inlayHints;
  if (r.diagnostics === 'none' || r.diagnostics === 'failures' || r.diagnostics === 'refusals') s.diagnostics = r.diagnostics;
  return s;
}

function globToRegExp(glob: string): RegExp {
  const re = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i');
}

/** Whether a path's base name matches one of the logFiles patterns (content still decides). */
export function includeFilter(s: Settings): (p: string) => boolean {
  const res = s.logFiles.map(globToRegExp);
  return (p: string) => {
    const base = p.replace(/^.*[\\/]/, '');
    return res.some((r) => r.test(base));
  };
}
