// The links behind the `[m:ss]` timestamps of inserted meeting notes. They are URIs of the editor's
// own scheme addressed to this extension (`vscode://sensevoice.sensevoice/open?file=…&t=…`), which
// the editor hands to the extension's URI handler: a Markdown preview opens them (it does not run
// `command:` links in documents it does not trust), Ctrl+click opens them in the Markdown source, and
// they keep working in notes moved to another file. Building and checking them is pure (unit-tested):
// a link can come from anywhere (any web page can open such a URI), so what it asks is checked.

/** A link's request: the audio file and the moment (seconds) to play from. */
export interface TimestampTarget {
  file: string;
  sec: number;
}

/** `<scheme>://<extension id>/open?file=<absolute path>&t=<seconds, to 0.1>`. */
export function timestampLink(scheme: string, extensionId: string, file: string, sec: number): string {
  const t = Math.max(0, Math.floor(sec * 10) / 10);
  return `${scheme}://${extensionId}/open?file=${encodeURIComponent(file)}&t=${t}`;
}

/** The target of a link's path and query (as vscode.Uri gives them), or null when it is not one. */
export function parseTimestampLink(path: string, query: string): TimestampTarget | null {
  if (path !== '/open') return null;
  const q = new URLSearchParams(query);
  const file = q.get('file');
  const t = q.get('t');
  if (!file || file.length > 4096 || file.includes('\0') || !isAbsolute(file)) return null;
  if (t === null || !/^\d+(\.\d+)?$/.test(t)) return null;
  const sec = Number(t);
  return Number.isFinite(sec) ? { file, sec } : null;
}

function isAbsolute(p: string): boolean {
  return p.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(p) || p.startsWith('\\\\');
}
