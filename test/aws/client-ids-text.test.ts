import { describe, expect, it } from 'vitest';
import { clientIdsText, unlistedAudience } from '../../src/aws/trust.js';

describe('a client id list in a reason', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `app-${String(i).padStart(2, '0')}`);

  it('is written in full up to five ids, and as the first five and a count beyond', () => {
    expect(clientIdsText([])).toBe('empty');
    expect(clientIdsText(ids(5))).toBe('app-00, app-01, app-02, app-03, app-04');
    expect(clientIdsText(ids(6))).toBe('app-00, app-01, app-02, app-03, app-04 and 1 more');
  });

  it('lists the ids in sorted order, whatever order the provider record has them in', () => {
    const list = ids(8);
    const shuffled = [list[6], list[2], list[7], list[0], list[5], list[3], list[1], list[4]];
    expect(clientIdsText(shuffled)).toBe('app-00, app-01, app-02, app-03, app-04 and 3 more');
    expect(clientIdsText(['b', 'a'])).toBe('a, b');
    expect(shuffled[0]).toBe('app-06');
  });

  it('keeps a refused audience\'s reason short when the provider lists many ids', () => {
    const list = ids(40);
    const why = unlistedAudience('ops-agent', { status: 'pinned', values: ['ops-agent', 'app-07'] }, list)!;
    expect(why).toBe("the provider's client id list (app-00, app-01, app-02, app-03, app-04 and 35 more) does not hold aud ops-agent, so no token for it is accepted today");
    // Listed in another case: not a refusal (the case doubt judges it).
    expect(unlistedAudience('APP-07', { status: 'pinned', values: ['APP-07'] }, list)).toBeUndefined();
  });
});
