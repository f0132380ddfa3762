import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { Reader } from '../../src/snapshot/shape.js';

const r = new Reader('entra/x.json');
const NEXT = 'https://graph.microsoft.com/v1.0/x?$skiptoken=1';

function line(read: () => unknown): string {
  try {
    read();
  } catch (e) {
    if (e instanceof InputError) return e.oneLine();
    throw e;
  }
  return 'read';
}

describe('Reader and Graph paging markers', () => {
  it('refuses a collection or a per-parent list that still links to a next page', () => {
    expect(line(() => r.items({ value: [{ id: 'a' }], '@odata.nextLink': NEXT }))).toMatch(/^entra\/x\.json: \$\["@odata\.nextLink"\]: only the first page/);
    expect(line(() => r.relation({ p1: [], p2: { value: [], '@odata.nextLink': NEXT } }))).toMatch(/^entra\/x\.json: \$\["p2"\]\["@odata\.nextLink"\]: only the first page/);
    // Not a lone item (as a manager object is): a page marker without its list.
    expect(line(() => r.relation({ p1: { '@odata.nextLink': NEXT } }))).toMatch(/^entra\/x\.json: \$\["p1"\]\["@odata\.nextLink"\]: only the first page/);
  });

  it('reads a last page (no link, or a null one) and a lone object as before', () => {
    expect(r.items({ value: [{ id: 'a' }], '@odata.nextLink': null })).toEqual([{ id: 'a' }]);
    expect(r.items({ '@odata.context': 'x', value: [{ id: 'a' }] })).toEqual([{ id: 'a' }]);
    expect([...r.relation({ u1: { id: 'm1' }, u2: null, u3: { value: [{ id: 'g' }] } }, '$', true)]).toEqual([
      ['u1', [{ id: 'm1' }]],
      ['u2', []],
      ['u3', [{ id: 'g' }]],
    ]);
  });

  it('refuses null for a parent\'s list unless the file records "none" so (the manager file)', () => {
    expect(() => r.relation({ sp1: [{ id: 'o' }], sp2: null })).toThrow(expect.objectContaining({ message: 'expected a list, not null', location: '$["sp2"]' }));
  });
});
