import type { ScanResult } from '../scan.js';
import type { RuleMeta } from '../engine/types.js';
import { allRules } from '../../rules/index.js';
import { renderTable } from './table.js';
import { renderJson } from './json.js';
import { csvFindingChunks, renderCsv } from './csv.js';
import { renderSarif, buildSarif } from './sarif.js';
import { jsonChunks } from './json-chunks.js';
import { safeJsonText } from './sanitize.js';
import { renderMarkdown } from './markdown.js';
import { recertCsvChunks, renderRecertCsv } from './recert.js';

export const FORMATS = ['table', 'json', 'csv', 'sarif', 'markdown', 'recert-csv'] as const;
export type Format = (typeof FORMATS)[number];

export interface RenderOptions {
  color: boolean;
  /** Columns the table's hop reasons wrap to (the terminal's); TABLE_WIDTH when not given. */
  width?: number;
}

/**
 * What the report formats read: the report alone. The graph and the analysis are not needed to
 * render, so the CLI lets them go first (on a large estate they are most of the heap).
 */
export type Renderable = Pick<ScanResult, 'report'>;

type Renderer = (result: Renderable, opts: RenderOptions) => string;

let metaIndex: Map<string, RuleMeta> | undefined;
// SARIF rule descriptors carry each rule's description and references, which findings do not.
function ruleMetas(): Map<string, RuleMeta> {
  return (metaIndex ??= new Map(allRules.map((r) => [r.meta.id, r.meta])));
}

const RENDERERS: Partial<Record<Format, Renderer>> = {
  // The terminal report lists at most 1,000 findings per severity; the machine formats list all.
  table: (r, o) => renderTable(r.report, { color: o.color, limitPerSeverity: 1000, width: o.width }),
  json: (r) => renderJson(r.report),
  csv: (r) => renderCsv(r.report),
  sarif: (r) => renderSarif(r.report, ruleMetas()),
  markdown: (r) => renderMarkdown(r.report),
  'recert-csv': (r) => renderRecertCsv(r.report),
};

/** Reporters return strings; only the CLI writes them. */
export function render(format: Format, result: Renderable, opts: RenderOptions): string {
  const r = RENDERERS[format];
  if (!r) throw new Error(`format ${format} is not available yet`);
  return r(result, opts);
}

/** The formats written in pieces as they are made (the sheets; see csvChunks). */
const CHUNKED: Partial<Record<Format, (result: Renderable) => Iterable<string>>> = {
  csv: (r) => csvFindingChunks(r.report),
  'recert-csv': (r) => recertCsvChunks(r.report),
};

/**
 * The same output as `render`, in chunks: the JSON formats are streamed so that a report larger
 * than the longest string V8 allows can still be written, and the CSV sheets row by row, so that
 * the whole text and every row's cells are never held at once.
 */
export function* renderChunks(format: Format, result: Renderable, opts: RenderOptions): Generator<string> {
  const chunked = CHUNKED[format];
  if (chunked) {
    yield* chunked(result);
    return;
  }
  const doc = format === 'json' ? result.report : format === 'sarif' ? buildSarif(result.report, ruleMetas()) : undefined;
  if (doc === undefined) {
    yield render(format, result, opts);
    return;
  }
  // The big arrays sit at depth 1 in the report (findings, identities) and at depth 3 in SARIF
  // (runs[0].results); everything below them is stringified per element.
  for (const c of jsonChunks(doc, 0, format === 'sarif' ? 4 : 2)) yield safeJsonText(c);
  yield '\n';
}
