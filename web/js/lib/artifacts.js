// Artifact path and preview helpers. No DOM.

export const ARTIFACT_PREFIX = 'mlflow-artifacts:/';
export const MAX_PREVIEW_BYTES = 2 * 1024 * 1024;

const IMAGE = new Set(['png', 'jpg', 'jpeg', 'gif', 'webp']); // never svg: it can carry script
const TEXT = new Set(['txt', 'log', 'md', 'markdown', 'yaml', 'yml', 'py', 'cfg', 'ini', 'toml', 'conf', 'sh', 'r', 'sql', 'xml', 'html', 'htm', 'svg', 'js', 'ts', 'css', 'ipynb', 'rst', 'out', 'err', 'properties', 'env', 'diff', 'patch', 'jsonl', 'ndjson']);
const TEXT_NAMES = new Set(['MLmodel', 'requirements.txt', 'conda.yaml', 'python_env.yaml', 'Dockerfile', 'LICENSE', 'README', 'Makefile']);

/** Path relative to the artifacts API from a run's artifact_uri: "mlflow-artifacts:/1/abc/artifacts" -> "1/abc/artifacts". */
export function artifactRoot(artifactUri, experimentId, runId) {
  if (typeof artifactUri === 'string' && artifactUri.startsWith(ARTIFACT_PREFIX)) {
    return artifactUri.slice(ARTIFACT_PREFIX.length).replace(/^\/+/, '').replace(/\/+$/, '');
  }
  return `${experimentId}/${runId}/artifacts`;
}

export function joinPath(...parts) {
  return parts.filter((p) => p !== undefined && p !== null && p !== '').join('/').replace(/\/{2,}/g, '/').replace(/^\/|\/$/g, '');
}

/** Encode each path segment for use in a URL path. */
export function encodePath(p) {
  return p.split('/').map(encodeURIComponent).join('/');
}

export function baseName(p) { const i = p.lastIndexOf('/'); return i >= 0 ? p.slice(i + 1) : p; }

export function extension(p) {
  const b = baseName(p);
  const i = b.lastIndexOf('.');
  return i > 0 ? b.slice(i + 1).toLowerCase() : '';
}

/**
 * How to preview a file: 'image' | 'json' | 'csv' | 'tsv' | 'text' | 'none'.
 * HTML and SVG are previewed only as source text, never rendered.
 */
export function previewKind(path, size) {
  const ext = extension(path);
  if (IMAGE.has(ext)) return 'image';
  if (size !== undefined && size !== null && Number(size) > MAX_PREVIEW_BYTES) return 'none';
  if (ext === 'json') return 'json';
  if (ext === 'csv') return 'csv';
  if (ext === 'tsv') return 'tsv';
  if (TEXT.has(ext) || TEXT_NAMES.has(baseName(path))) return 'text';
  return 'none';
}

/** Sort listing: directories first, then by name (natural). */
export function sortEntries(files) {
  return [...files].sort((a, b) => (Number(!!b.is_dir) - Number(!!a.is_dir)) || a.path.localeCompare(b.path, undefined, { numeric: true }));
}
