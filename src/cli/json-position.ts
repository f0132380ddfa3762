/**
 * Finds where a JSON text stops being valid. V8's JSON.parse messages do not always carry a
 * position (e.g. `Unexpected token 'o', ..."x": oops}" is not valid JSON`), so after a failed
 * parse this small scanner walks the text to name the line and column. Iterative, so deep
 * nesting cannot overflow the stack.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const stack: ('{' | '[')[] = [];
  // expect: 'value' | 'key' | 'colon' | 'commaOrEnd'
  let expect: 'value' | 'key' | 'colon' | 'commaOrEnd' | 'firstKeyOrEnd' | 'firstValueOrEnd' = 'value';
  const str = (): boolean => {
    i++;
    while (i < n) {
      const c = text[i];
      if (c === '"') {
        i++;
        return true;
      }
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return false;
          i += 6;
          continue;
        }
        if (!e || !'"\\/bfnrt'.includes(e)) return false;
        i += 2;
        continue;
      }
      if (c.charCodeAt(0) < 0x20) return false;
      i++;
    }
    return false;
  };
  const afterValue = () => {
    expect = stack.length === 0 ? 'value' : 'commaOrEnd';
    if (stack.length === 0) {
      ws();
    }
  };
  // `[]` or `{}`: closes the container; the error offset (or -1) when that ends the document.
  const closeEmpty = (): number | undefined => {
    stack.pop();
    i++;
    afterValue();
    if (stack.length === 0) return i < n ? i : -1;
    ws();
    return undefined;
  };
  ws();
  while (i < n) {
    const c = text[i];
    if (expect === 'value' || expect === 'firstValueOrEnd') {
      if (expect === 'firstValueOrEnd' && c === ']') {
        const end = closeEmpty();
        if (end !== undefined) return end;
        continue;
      }
      if (c === '{') {
        stack.push('{');
        i++;
        expect = 'firstKeyOrEnd';
      } else if (c === '[') {
        stack.push('[');
        i++;
        expect = 'firstValueOrEnd';
      } else if (c === '"') {
        if (!str()) return i;
        afterValue();
        if (stack.length === 0) return i < n ? i : -1;
      } else {
        const m = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
        if (!m) return i;
        i += m[0].length;
        afterValue();
        if (stack.length === 0) return i < n ? i : -1;
      }
    } else if (expect === 'key' || expect === 'firstKeyOrEnd') {
      if (expect === 'firstKeyOrEnd' && c === '}') {
        const end = closeEmpty();
        if (end !== undefined) return end;
        continue;
      }
      if (c !== '"' || !str()) return i;
      expect = 'colon';
    } else if (expect === 'colon') {
      if (c !== ':') return i;
      i++;
      expect = 'value';
    } else {
      const top = stack[stack.length - 1];
      if (c === ',') {
        i++;
        expect = top === '{' ? 'key' : 'value';
      } else if ((c === '}' && top === '{') || (c === ']' && top === '[')) {
        stack.pop();
        i++;
        afterValue();
        if (stack.length === 0) return i < n ? i : -1;
      } else return i;
    }
    ws();
  }
  return n;
}

/**
 * The first key that appears twice in one object of a valid JSON text: the key, the path of its
 * object (`rules.okta-api-token-age`, `list[2]`; empty at the top) and its 1-based line and
 * column. JSON.parse silently keeps the last value. Walks the text once, iteratively.
 */
export function jsonDuplicateKey(text: string): { key: string; path: string; line: number; column: number } | undefined {
  // Per open container: its keys so far (objects) and the key or index leading into a child.
  const stack: { keys?: Set<string>; key: string; index: number }[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (expectKey && top?.keys) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) {
          const path = stack
            .slice(0, -1)
            .map((f) => (f.keys ? `.${f.key}` : `[${f.index}]`))
            .join('')
            .replace(/^\./, '');
          const before = text.slice(0, i);
          return { key, path, line: before.split('\n').length, column: i - before.lastIndexOf('\n') };
        }
        top.keys.add(key);
        top.key = key;
        expectKey = false;
      }
      i = j;
    } else if (c === '{') {
      stack.push({ keys: new Set(), key: '', index: 0 });
      expectKey = true;
    } else if (c === '[') {
      stack.push({ key: '', index: 0 });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top?.keys) expectKey = true;
      else if (top) top.index++;
    }
  }
  return undefined;
}
