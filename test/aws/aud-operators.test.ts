import { describe, expect, it } from 'vitest';
import { CASE_SEARCHES_KEPT, caseSearchesHeld, caseVariantMeeting, claimFact, pinnedAudienceListed, subjectVerdict } from '../../src/aws/trust.js';
import { audienceVerdict } from '../../src/graph/entra-audience.js';

// IAM ANDs the operators naming one condition key; only the values of one operator are
// alternatives. Each operator compares case or not for its own values.
const KEY = 'sts.windows.net/t/:aud';
const fact = (cond: Record<string, string[]>) => claimFact(Object.fromEntries(Object.entries(cond).map(([op, v]) => [op, { [KEY]: v }])), KEY);

describe('an aud key several operators name', () => {
  it('keeps each operator with its own values, only when there are several', () => {
    expect(fact({ StringEquals: ['a'] }).entries).toBeUndefined();
    expect(fact({ StringEqualsIgnoreCase: ['ABC'], StringLike: ['abc*'] }).entries).toEqual([
      { op: 'StringEqualsIgnoreCase', values: ['ABC'] },
      { op: 'StringLike', values: ['abc*'] },
    ]);
  });

  it('is listed when a client id meets every operator, and refused when none does though some spelling would', () => {
    const both = fact({ StringEqualsIgnoreCase: ['ABC'], StringLike: ['abc*'] });
    expect(pinnedAudienceListed(both, ['abc'])).toEqual({ listed: 'yes' });
    // The only spelling both take is abc; a list holding ABC holds it only in another case.
    expect(pinnedAudienceListed(both, ['ABC'])).toEqual({ listed: 'maybe', doubt: expect.stringMatching(/aud abc with the provider's client id list ignoring case.*only as ABC/) });
    expect(pinnedAudienceListed(both, ['xyz'])).toEqual({ listed: 'no' });
    // No spelling meets StringEquals ABC and StringLike abc*: judged on the values as written.
    expect(pinnedAudienceListed(fact({ StringEquals: ['ABC'], StringLike: ['abc*'] }), ['ABC'])).toEqual({ listed: 'yes' });
  });

  it('lets an App ID URI take the case another operator asks for, unless an operator holding it compares case', () => {
    const ok = audienceVerdict('API://Ops', 'guid', 'Ops', fact({ StringEqualsIgnoreCase: ['API://Ops'], StringLike: ['api://ops*'] }), ['api://ops']);
    expect(ok).toEqual({});
    expect(audienceVerdict('API://Ops', 'guid', 'Ops', fact({ StringEqualsIgnoreCase: ['API://Ops'], StringLike: ['api://x*'] }), ['api://ops']).bar).toMatch(/StringLike api:\/\/x\* on the same key does not take API:\/\/Ops in any case a caller may ask Entra for/);
    // Listed only as written: a token asked for as api://ops rests on the list's comparison.
    expect(audienceVerdict('API://Ops', 'guid', 'Ops', fact({ StringEqualsIgnoreCase: ['API://Ops'], StringLike: ['api://ops*'] }), ['API://Ops']).doubt).toMatch(/only as API:\/\/Ops/);
    const bar = audienceVerdict('API://Ops', 'guid', 'Ops', fact({ StringEquals: ['API://Ops'], StringLike: ['api://ops*'] }), ['API://Ops']).bar;
    expect(bar).toBe('StringLike api://ops* on the same key does not take API://Ops as StringEquals holds it (it compares case), and every operator on a key must hold, so no token meets aud API://Ops');
  });
});

describe('an App ID URI several case-sensitive operators each fix part of the case of', () => {
  // Entra echoes an App ID URI in aud in the case the caller asked for it, letter by letter: a
  // spelling in mixed case is as reachable as all-lower or all-upper. The literal characters of a
  // StringLike pattern fix the case of the characters they match; an IgnoreCase operator fixes none.
  const mixed = fact({ StringEqualsIgnoreCase: ['api://ops'], StringLike: ['api://O*'] });

  it('is met by the mixed-case spelling the operators leave: api://Ops', () => {
    expect(audienceVerdict('api://ops', 'guid', 'Ops', mixed, ['api://Ops'])).toEqual({});
    // Listed only in lower case: the token asked for as api://Ops rests on the list's comparison.
    expect(audienceVerdict('api://ops', 'guid', 'Ops', mixed, ['api://ops']).doubt).toMatch(/aud api:\/\/Ops .*only as api:\/\/ops/);
    expect(pinnedAudienceListed(mixed, ['api://Ops'])).toEqual({ listed: 'yes' });
    expect(pinnedAudienceListed(mixed, ['api://ops'])).toEqual({ listed: 'maybe', doubt: expect.stringMatching(/aud api:\/\/Ops .*only as api:\/\/ops/) });
  });

  it('is met when two patterns fix different letters: api://OpS', () => {
    const two = fact({ StringEqualsIgnoreCase: ['api://ops'], StringLike: ['api://O*'], 'ForAnyValue:StringLike': ['*pS'] });
    expect(audienceVerdict('api://ops', 'guid', 'Ops', two, ['api://OpS'])).toEqual({});
    expect(pinnedAudienceListed(two, ['api://ops'])).toEqual({ listed: 'maybe', doubt: expect.stringMatching(/aud api:\/\/OpS /) });
  });

  it('near miss: patterns that fix the same letter in two cases admit no spelling, and the bar says they conflict', () => {
    const clash = fact({ StringEqualsIgnoreCase: ['api://ops'], StringLike: ['api://O*'], 'ForAnyValue:StringLike': ['api://o*'] });
    const bar = audienceVerdict('api://ops', 'guid', 'Ops', clash, ['api://ops']).bar;
    expect(bar).toMatch(/StringLike api:\/\/O\* and ForAnyValue:StringLike api:\/\/o\* on the same key take api:\/\/ops only in cases that conflict/);
    expect(bar).toMatch(/so no token meets aud api:\/\/ops$/);
    expect(pinnedAudienceListed(clash, ['api://ops', 'api://Ops'])).toEqual({ listed: 'yes' });
  });
});

describe('StringLike patterns on the aud key with no pinned value (the audiences are the client ids)', () => {
  it('are met by an App ID URI in another case only when one casing matches every pattern', () => {
    // api://Opsagent matches both: a caller may ask for it so, and STS must then find it in the list.
    const both = fact({ StringLike: ['api://O*'], 'ForAnyValue:StringLike': ['*agent'] });
    expect(audienceVerdict('api://opsagent', 'guid', 'Ops', both, ['api://opsagent']).doubt).toMatch(/aud pattern api:\/\/O\* \(StringLike compares case\) matches api:\/\/opsagent only in another case/);
    // Near miss: each pattern matches some casing, but they fix the o in two cases, so none matches both.
    const clash = fact({ StringLike: ['api://O*'], 'ForAnyValue:StringLike': ['api://o*'] });
    expect(clash.status).toBe('wildcard');
    const v = audienceVerdict('api://opsagent', 'guid', 'Ops', clash, ['api://opsagent']);
    expect(v.doubt).toBeUndefined();
    expect(v.bar).toMatch(/no token meets it/);
  });
});

describe('the values of a pinned aud condition several operators name', () => {
  it('keep a value an IgnoreCase operator holds that another operator takes only in another case: a caller may ask for it so', () => {
    // api://a meets both; dropping API://A left only api://b, and the app behind API://A unseen.
    expect(fact({ StringEqualsIgnoreCase: ['API://A', 'api://b'], StringLike: ['api://*'] }).values).toEqual(['API://A', 'api://b']);
    // Near miss: a value no casing of which the pattern takes is dropped as before.
    expect(fact({ StringEqualsIgnoreCase: ['urn:a', 'api://b'], StringLike: ['api://*'] }).values).toEqual(['api://b']);
  });
});

describe('the search for a casing every operator takes', () => {
  it('stops on a contrived condition and takes the text as written: a trust is not called dead for want of search', () => {
    const text = `api://${'ab'.repeat(40)}`;
    const entries = [
      { op: 'StringEqualsIgnoreCase', values: [text] },
      { op: 'StringLike', values: ['*A*b*A*b*A*b*A*b*', '*a?B*'] },
      { op: 'StringLike', values: ['*b*A*B*a*B*a*B*a*Z'] },
      { op: 'StringLike', values: ['api://*A?A*'] },
    ];
    expect(caseVariantMeeting(text, entries)).toBe(text);
    // Near miss: a condition no casing meets that the search settles is still refused.
    expect(caseVariantMeeting('api://ab', [{ op: 'StringLike', values: ['api://A*'] }, { op: 'StringLike', values: ['*a?'] }])).toBeUndefined();
    expect(caseVariantMeeting('api://ab', [{ op: 'StringLike', values: ['api://A*'] }, { op: 'StringLike', values: ['*B'] }])).toBe('api://AB');
  });
});

describe('the casing search’s kept answers', () => {
  it('are bounded: a long run asking of many audiences does not hold every answer for the life of the process', () => {
    // Each text a new App ID URI that only another casing meets, so each is searched and kept.
    const entries = [{ op: 'StringLike', values: ['API://*'] }];
    for (let i = 0; i <= CASE_SEARCHES_KEPT + 10; i++) expect(caseVariantMeeting(`api://app${i}`, entries)).toBe(`API://app${i}`);
    expect(caseSearchesHeld()).toBeLessThanOrEqual(CASE_SEARCHES_KEPT);
    // Answers asked again after the bound was reached are the same.
    expect(caseVariantMeeting('api://app0', entries)).toBe('API://app0');
    expect(caseVariantMeeting('api://ab', [{ op: 'StringLike', values: ['api://A*'] }, { op: 'StringLike', values: ['*a?'] }])).toBeUndefined();
  });
});

describe('the client id list under a condition the casing search gives up on', () => {
  it('is a doubt, said alike by the linker and the list, not an open or a turned-away trust', () => {
    const text = `api://${'ab'.repeat(40)}`;
    const contrived = fact({ StringEqualsIgnoreCase: [text], StringLike: ['*A*b*A*b*A*b*A*b*', '*a?B*'], StringLikeIfExists: ['*b*A*B*a*B*a*B*a*Z'], 'ForAnyValue:StringLike': ['api://*A?A*'] });
    // Past its budget the answer is not known: a doubt, the same one for the linker and the
    // transform (said once on the trust), neither open nor turned away.
    const gaveUp = `the search for a casing of aud ${text} that every operator on the key takes gave up after 2,000 steps, so whether a token carrying it meets them is not known`;
    expect(audienceVerdict(text, 'guid', 'App', contrived, [text])).toEqual({ doubt: gaveUp });
    expect(pinnedAudienceListed(contrived, [text])).toEqual({ listed: 'maybe', doubt: gaveUp });
    // Near miss: a list without it in any case does not hold it.
    expect(pinnedAudienceListed(contrived, ['api://other'])).toEqual({ listed: 'no' });
  });
});

describe('a positive aud operator of another type than string', () => {
  // IAM compares a Numeric…, Date…, Bool, IpAddress or Arn… operator's values by their type: an app
  // id (a GUID) or an App ID URI is no number, date, boolean, address or ARN, so it never matches.
  const GUID = 'd8b52952-66bf-4927-97a3-022df7648254';
  const one = (op: string, values: string[]) => fact({ [op]: values });

  it('turns away an aud that is not of its type', () => {
    expect(audienceVerdict(GUID, GUID, 'App', one('NumericEquals', [GUID]), [GUID]).bar).toBe(
      `NumericEquals ${GUID} compares aud as a number, and aud ${GUID} is not one, so no token meets it`,
    );
    expect(audienceVerdict('api://ops', 'guid', 'App', one('ArnLike', ['api://*']), ['api://ops']).bar).toMatch(/^ArnLike api:\/\/\* compares aud as an ARN, and aud api:\/\/ops is not one/);
    expect(audienceVerdict(GUID, GUID, 'App', one('DateEquals', [GUID]), [GUID]).bar).toMatch(/as a date/);
    expect(audienceVerdict(GUID, GUID, 'App', one('Bool', ['true']), [GUID]).bar).toMatch(/as true or false/);
    expect(audienceVerdict(GUID, GUID, 'App', one('IpAddress', ['10.0.0.0/8']), [GUID]).bar).toMatch(/as an IP address/);
    // Beside a string operator that takes it, it still bars.
    expect(audienceVerdict(GUID, GUID, 'App', fact({ StringEquals: [GUID], NumericLessThan: ['5'] }), [GUID]).bar).toMatch(/^NumericLessThan 5 compares aud as a number/);
  });

  it('near miss: an aud of its type, or an operator whose reading the scan does not know, is a doubt', () => {
    expect(audienceVerdict('12345', undefined, '12345', one('NumericEquals', ['12345']), ['12345'])).toEqual({
      doubt: 'the aud condition NumericEquals 12345 holds for aud 12345 (how IAM compares an aud under it is not known)',
    });
    // A bare * under ArnLike may be read before the value is parsed as an ARN.
    expect(audienceVerdict(GUID, GUID, 'App', one('ArnLike', ['*']), [GUID]).doubt).toMatch(/ArnLike \* holds for aud/);
    expect(audienceVerdict(GUID, GUID, 'App', one('BinaryEquals', ['QmluYXJ5']), [GUID]).doubt).toMatch(/BinaryEquals QmluYXJ5 holds for aud/);
    // A string operator is judged as before.
    expect(audienceVerdict(GUID, GUID, 'App', one('StringEquals', [GUID]), [GUID])).toEqual({});
  });
});

describe('operators on a sub key (subjectVerdict)', () => {
  const SUBKEY = 'token.actions.githubusercontent.com:sub';
  // The bar and the doubt (what the transform says of the trust), without the entries `except` keeps.
  const said = (v: { bar?: string; doubt?: string }) => ({ bar: v.bar, doubt: v.doubt });
  const sub = (cond: Record<string, string[]>) => claimFact(Object.fromEntries(Object.entries(cond).map(([op, v]) => [op, { [SUBKEY]: v }])), SUBKEY);

  it('bars a pinned sub another operator on the key turns away, compared as written', () => {
    expect(subjectVerdict('repo:o/r:ref:refs/heads/main', true, sub({ StringEquals: ['repo:o/r:ref:refs/heads/main'], StringNotLike: ['repo:o/*'] })).bar).toMatch(/^StringNotLike repo:o\/\* on the same key does not take sub/);
    // A positive pattern it does not match turns it away as well.
    expect(subjectVerdict('repo:o/r:ref:refs/heads/main', true, sub({ StringEquals: ['repo:o/r:ref:refs/heads/main'], StringLike: ['repo:x/*'] })).bar).toMatch(/^StringLike repo:x\/\* on the same key/);
    // A sub is the issuer's, not the caller's: another case is another sub.
    expect(said(subjectVerdict('repo:o/r', true, sub({ StringEquals: ['repo:o/r'], StringNotEquals: ['REPO:O/R'] })))).toEqual({});
    expect(subjectVerdict('repo:o/r', true, sub({ StringEquals: ['repo:o/r'], StringNotEqualsIgnoreCase: ['REPO:O/R'] })).bar).toBeDefined();
  });

  it('says what a negated operator turns away of a pattern, and makes a doubt of an operator of another type', () => {
    // Which subs of a pattern a negated operator turns away is known: not a doubt, but said.
    expect(subjectVerdict('repo:o/*', false, sub({ StringLike: ['repo:o/*'], StringNotLike: ['repo:o/x*'] }))).toEqual({
      except: [{ op: 'StringNotLike', values: ['repo:o/x*'] }],
      note: 'StringNotLike repo:o/x* on the same key turns away the tokens whose sub matches repo:o/x*',
    });
    expect(subjectVerdict('12345', true, sub({ StringEquals: ['12345'], NumericNotEquals: ['7'] })).doubt).toMatch(/^the sub condition NumericNotEquals 7 holds for sub 12345/);
    // A sub that is no number never meets NumericEquals; one that is, is a doubt.
    expect(subjectVerdict('repo:o/r', true, sub({ NumericEquals: ['repo:o/r'] })).bar).toBe('NumericEquals repo:o/r compares sub as a number, and sub repo:o/r is not one, so no token meets it');
    expect(subjectVerdict('12345', true, sub({ NumericEquals: ['12345'] })).doubt).toMatch(/NumericEquals 12345 holds for sub 12345/);
  });

  it('with no positive condition, bars only a negated pattern every sub matches', () => {
    expect(subjectVerdict(undefined, false, sub({ StringNotLike: ['*'] })).bar).toMatch(/does not take any sub/);
    expect(subjectVerdict(undefined, false, sub({ StringNotLike: ['?*'] })).bar).toBeDefined();
    expect(said(subjectVerdict(undefined, false, sub({ StringNotLike: ['??*'] })))).toEqual({});
    expect(said(subjectVerdict(undefined, false, sub({ StringNotEquals: ['*'] })))).toEqual({});
    expect(subjectVerdict(undefined, false, sub({ Null: ['true'] })).bar).toMatch(/^Null true on sub/);
    // `?` stands for exactly one character: it turns away one-letter subs, not every sub.
    expect(said(subjectVerdict(undefined, false, sub({ StringNotLike: ['?'] })))).toEqual({});
    // Several negated operators together may turn away every sub, though none does alone.
    expect(said(subjectVerdict(undefined, false, sub({ StringNotEquals: ['a'], StringNotLike: ['??*'] })))).toEqual({});
    expect(subjectVerdict(undefined, false, sub({ StringNotLike: ['?', '??*'] })).bar).toBe('StringNotLike ?, ??* on the same key does not take any sub, and every web identity token carries one, so no token meets it');
  });

  it('makes a doubt, not a verdict, of a coverage search past its budget', () => {
    // Which subs *a followed by 13 single characters matches needs 2^13 sets of positions: contrived.
    const wide = `*a${'?'.repeat(13)}`;
    expect(said(subjectVerdict(undefined, false, sub({ StringNotLike: [wide] })))).toEqual({ doubt: `StringNotLike ${wide} on the same key may turn away every token` });
    expect(said(subjectVerdict('x*', false, sub({ StringLike: ['x*'], StringNotLike: [wide] })))).toEqual({ doubt: `StringNotLike ${wide} on the same key may turn away every token whose sub matches x*` });
    // Near miss: 9 of them are searched to the end (some subs pass, some do not).
    const narrow = `*a${'?'.repeat(9)}`;
    expect(said(subjectVerdict(undefined, false, sub({ StringNotLike: [narrow] })))).toEqual({});
  });

  it('bars a sub pattern every sub of which a negated operator turns away; a negated operator it cannot meet is no doubt', () => {
    expect(subjectVerdict('repo:o/*', false, sub({ StringLike: ['repo:o/*'], StringNotLike: ['repo:*'] })).bar).toBe(
      'StringNotLike repo:* on the same key turns away every sub that matches repo:o/*, and every operator on a key must hold, so no token meets it',
    );
    // StringLike * (status any) with StringNotLike *: no token at all.
    expect(subjectVerdict('*', false, sub({ StringLike: ['*'], StringNotLike: ['*'] })).bar).toBeDefined();
    // Together: ab itself, and ab followed by at least one character.
    expect(subjectVerdict('ab*', false, sub({ StringLike: ['ab*'], StringNotEquals: ['ab'], StringNotLike: ['ab?*'] })).bar).toBe(
      'StringNotEquals ab and StringNotLike ab?* on the same key turn away every sub that matches ab*, and every operator on a key must hold, so no token meets it',
    );
    // Case counts: StringNotLike REPO:* does not turn away repo:o/x.
    expect(said(subjectVerdict('repo:o/*', false, sub({ StringLike: ['repo:o/*'], StringNotLike: ['REPO:*'] })))).toEqual({});
    expect(said(subjectVerdict('repo:o/*', false, sub({ StringLike: ['repo:o/*'], StringNotLike: ['repo:x/*'] })))).toEqual({});
    expect(said(subjectVerdict('repo:o/?', false, sub({ StringLike: ['repo:o/?'], StringNotEquals: ['repo:o/ab'] })))).toEqual({});
  });
});
