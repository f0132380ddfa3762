/**
 * The same text as `JSON.stringify(value, null, 2)`, produced as a sequence of chunks, so that a
 * report of a 100,000-identity estate can be written without ever building one string longer
 * than V8 allows (~512 MB). Objects and large arrays are walked; everything else is stringified
 * whole and re-indented.
 */
export function* jsonChunks(value: unknown, depth = 0, walkDepth = 2): Generator<string> {
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
    for (let i = 0; i < value.length; i++) {
      yield inner;
      yield* jsonChunks(value[i] === undefined || typeof value[i] === 'function' ? null : value[i], depth + 1, walkDepth);
      yield i < value.length - 1 ? ',\n' : '\n';
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
      yield* jsonChunks(v, depth + 1, walkDepth);
      yield i < entries.length - 1 ? ',\n' : '\n';
    }
    yield `${pad}}`;
    return;
  }
  const s = JSON.stringify(value, null, 2);
  yield depth === 0 ? s : s.replace(/\n/g, `\n${pad}`);
}
