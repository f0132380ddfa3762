import type { ScanResult } from '../scan.js';
import { renderTable } from './table.js';
import { renderJson } from './json.js';

export const FORMATS = ['table', 'json', 'csv', 'sarif', 'markdown', 'recert-csv'] as const;
export type Format = (typeof FORMATS)[number];

export interface RenderOptions {
  color: boolean;
}

type Renderer = (result: ScanResult, opts: RenderOptions) => string;

const RENDERERS: Partial<Record<Format, Renderer>> = {
  table: (r, o) => renderTable(r.report, { color: o.color }),
  json: (r) => renderJson(r.report),
};

/** Reporters return strings; only the CLI writes them. */
export function render(format: Format, result: ScanResult, opts: RenderOptions): string {
  const r = RENDERERS[format];
  if (!r) throw new Error(`format ${format} is not available yet`);
  return r(result, opts);
}
