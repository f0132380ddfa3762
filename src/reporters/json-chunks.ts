/**
 * Elements stringified by one call at the last walked level: a chunk holds at most this many.
 * Few enough that a chunk (an identity or a finding of a large estate is about 1.7 kB of JSON)
 * stays under V8's 128 kB large-object size, so that each is made and dropped in the young
 * generation's pages: with 512 a chunk, the 450 MB JSON report of the 100,000-identity estate
 * took a fresh large object (and its page faults) per chunk, twice (the text, then its slice),
 * and 32 still left some over the size (bench/HISTORY.md).
 */
export const JSON_BATCH = 16;

/**
 * The same text as `JSON.stringify(value, null, 2)`, produced as a sequence of chunks, so that a
 * report of a 100,000-identity estate can be written without ever building one string longer
 * than V8 allows (~512 MB). Objects and large arrays are walked; everything else is stringified
 * whole: the elements of an array at the last walked level in batches of `batch`, each batch by
 * one JSON.stringify call that already indents them for their depth (see elementsAt).
 */
export function* jsonChunks(value: unknown, depth = 0, walkDepth = 2, batch = JSON_BATCH): Generator<string> {
  const pad = '  '.repeat(depth);
  const inner = '  '.repeat(depth + 1);
  // Only the outer levels are walked (the envelope and its big arrays); each element below is
  // stringified whole, which is far faster than a generator step per value.
  if (depth >= walkDepth) {
    const s = JSON.stringify(value, null, 2);
    yield s === undefined ? 'null' : s.replace(/\n/g, `\n${pad}`);
    return;
  }
  if (Array.isArray(value) && value.length > 0) {
    yield '[\n';
    if (depth + 1 >= walkDepth) {
      for (let i = 0; i < value.length; i += batch) {
        yield elementsAt(value.slice(i, i + batch), depth + 1);
        yield i + batch < value.length ? ',\n' : '\n';
      }
    } else {
      for (let i = 0; i < value.length; i++) {
        yield inner;
        yield* jsonChunks(value[i] === undefined || typeof value[i] === 'function' ? null : value[i], depth + 1, walkDepth, batch);
        yield i < value.length - 1 ? ',\n' : '\n';
      }
    }
    yield `${pad}]`;
    return;
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && typeof (value as { toJSON?: unknown }).toJSON !== 'function') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol');
    if (entries.length === 0) {
      yield '{}';
      return;
    }
    yield '{\n';
    for (let i = 0; i < entries.length; i++) {
      const [k, v] = entries[i];
      yield `${inner}${JSON.stringify(k)}: `;
      yield* jsonChunks(v, depth + 1, walkDepth, batch);
      yield i < entries.length - 1 ? ',\n' : '\n';
    }
    yield `${pad}}`;
    return;
  }
  const s = JSON.stringify(value, null, 2);
  yield depth === 0 ? s : s.replace(/\n/g, `\n${pad}`);
}

/**
 * Array elements at `depth` (>= 1) as JSON.stringify(..., null, 2) writes them inside their
 * array: each indented by 2 x depth spaces, separated by ",\n", with no brackets. The elements
 * are wrapped in depth - 1 one-element arrays, so JSON.stringify itself indents them for their
 * depth, and the wrappers' brackets are cut off; an element that JSON cannot write (undefined,
 * a function) becomes null, as in any array.
 */
function elementsAt(elements: unknown[], depth: number): string {
  let wrapped: unknown = elements;
  for (let k = 1; k < depth; k++) wrapped = [wrapped];
  const s = JSON.stringify(wrapped, null, 2);
  // Opening: "[\n" and the indent of the next level, per wrapper; then the elements' own "[\n".
  let head = 0;
  for (let k = 1; k < depth; k++) head += 2 + 2 * k;
  head += 2;
  // Closing, symmetric: "\n", the indent, "]" for the elements' array and each wrapper.
  let tail = 0;
  for (let k = depth - 1; k >= 0; k--) tail += 2 + 2 * k;
  return s.slice(head, s.length - tail);
}
