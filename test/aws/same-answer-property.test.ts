import { describe, expect, it } from 'vitest';
import { createEvaluator } from '../../src/aws/index.js';
import { sameAnswerForEvery } from '../../src/aws/policy/evaluate.js';
import { ACCT, doc, managedEntry, model, policyArn, roleArn, roleEntry, trustAccount, userArn, userEntry } from '../aws/helpers.js';

type Doc = Record<string, unknown>;
let seed = 12345;
// The draw takes the generator's high bits: the low bits of a power-of-two LCG repeat with short
// periods (bit 0 alternates, bits 0-1 cycle every 4 draws), so `seed % n` for an even n followed
// the call order, and only 70 of the 160 statement shapes (`shapes` below) were ever drawn.
const rnd = (n: number) => { seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff; return (seed >>> 8) % n; };
const pick = <T,>(a: readonly T[]): T => a[rnd(a.length)];

const RES = ['*', `arn:aws:iam::${ACCT}:*`, `arn:aws:iam::${ACCT}:role/*`, `arn:aws:iam::${ACCT}:user/*`, `arn:aws:iam::${ACCT}:role/a*`, roleArn('a1'), `arn:aws:iam::${ACCT}:user/\${aws:username}`, `arn:aws:iam::${ACCT}:role/\${aws:PrincipalTag/team}*`, `arn:aws:iam::*:role/*`, 'arn:aws:iam::*', `arn:aws:iam::${ACCT}:role/?1`];
const COND = [undefined,
  { Bool: { 'aws:MultiFactorAuthPresent': 'false' } },
  { StringEquals: { 'aws:ResourceTag/env': 'prod' } },
  { StringEquals: { 'iam:ResourceTag/env': 'prod' } },
  { StringEquals: { 'aws:ResourceAccount': ACCT } },
  { StringEquals: { 'aws:username': 'u' } },
  { StringLike: { 'aws:PrincipalArn': '${aws:PrincipalArn}' } },
  { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
  { ArnLike: { 'aws:SourceArn': `arn:aws:iam::${ACCT}:role/\${aws:username}` } },
  { 'ForAnyValue:StringLike': { 'aws:TagKeys': '*' } },
];
const ACT = ['iam:*', 'sts:AssumeRole', 'iam:PassRole', '*', 'iam:Pass*', 'IAM:PASSROLE', 's3:*'];
/** Each statement's shape: effect, Action or NotAction, one resource or two, Resource or NotResource, condition. */
const shapes = new Set<string>();
function stmt(): Doc {
  const s: Doc = { Effect: pick(['Allow', 'Allow', 'Deny']) };
  if (rnd(4) === 0) s.NotAction = pick(ACT); else s.Action = pick(ACT);
  const r = rnd(3) === 0 ? [pick(RES), pick(RES)] : pick(RES);
  if (rnd(4) === 0) s.NotResource = r; else s.Resource = r;
  const c = pick(COND);
  if (c) s.Condition = c;
  shapes.add(JSON.stringify([s.Effect, s.NotAction === undefined, Array.isArray(r), s.NotResource === undefined, COND.indexOf(c)]));
  return s;
}
const broken = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:*' }] };

describe('sameAnswerForEvery, against asking each target (seeded random policies)', () => {
  it('when it says same, every target gets the same decision and keys', () => {
    const targets = [roleArn('a1'), roleArn('a2'), roleArn('b1'), roleArn('u'), userArn('u')];
    let sames = 0;
    for (let iter = 0; iter < 3000; iter++) {
      const inline = Array.from({ length: 1 + rnd(3) }, () => (rnd(10) === 0 ? broken : doc(...Array.from({ length: 1 + rnd(3) }, stmt))));
      const withB = rnd(3) === 0;
      const m = model({
        users: [userEntry('u', { inline, tags: { team: 'a' }, ...(withB ? { boundary: policyArn('b') } : {}) })],
        roles: ['a1', 'a2', 'b1', 'u'].map((n) => roleEntry(n, trustAccount())),
        policies: [managedEntry(policyArn('b'), rnd(5) === 0 ? broken : doc(stmt(), stmt()))],
      });
      const ev = createEvaluator(m, { now: new Date('2026-01-01T00:00:00Z') });
      const s = ev.subject(userArn('u'))!;
      for (const a of ['iam:PassRole', 'sts:AssumeRole']) {
        if (!sameAnswerForEvery(s, [a], targets)) continue;
        sames++;
        const ans = targets.map((t) => JSON.stringify(ev.decide(s, a, t)));
        if (new Set(ans).size !== 1) throw new Error(`differs for ${a}: ${JSON.stringify(inline)} boundary=${withB} ${JSON.stringify(ev.model.policies.get(policyArn('b'))?.body)}\n${ans.join('\n')}`);
      }
    }
    expect(sames).toBeGreaterThan(100);
    // Every statement shape was drawn: 2 effects x 2 x 2 x 2 x 10 conditions.
    expect(shapes.size).toBe(160);
  });
});
