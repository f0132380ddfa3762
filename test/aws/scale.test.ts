import { describe, expect, it } from 'vitest';
import { ADMIN_TARGET, findEscalationPaths } from '../../src/aws/index.js';
import { ACCT, allow, awsPolicyArn, doc, groupEntry, model, roleArn, roleEntry, trustPrincipal, trustService, userArn, userEntry } from './helpers.js';

// A generated account of 6,000 users and 3,000 roles: checks that edges are found through the
// indexes (and only where they should be) on a size where nested scans would crawl.
describe('escalation on a large account', () => {
  it('finds exactly the planted paths', () => {
    const users = [];
    const roles = [];
    for (let i = 0; i < 6000; i++) {
      const inline = [doc(allow(['s3:GetObject', 'ec2:Describe*', 'logs:*']), allow('sts:AssumeRole', roleArn(`app-${i % 3000}`)))];
      if (i % 1000 === 7) inline.push(doc(allow('iam:PassRole', roleArn('fn-admin')), allow(['lambda:CreateFunction', 'lambda:InvokeFunction'])));
      users.push(userEntry(`user-${i}`, { inline, groups: [`team-${i % 50}`] }));
    }
    for (let i = 0; i < 3000; i++) {
      const trust = i % 500 === 3 ? trustPrincipal(userArn(`user-${i}`)) : trustService('ecs-tasks.amazonaws.com');
      roles.push(roleEntry(`app-${i}`, trust, { attached: i % 500 === 3 ? [awsPolicyArn('AdministratorAccess')] : [], inline: [doc(allow('dynamodb:*'))] }));
    }
    roles.push(roleEntry('fn-admin', trustService('lambda.amazonaws.com'), { attached: [awsPolicyArn('AdministratorAccess')] }));
    const groups = Array.from({ length: 50 }, (_, i) => groupEntry(`team-${i}`, { attached: [awsPolicyArn('ReadOnlyAccess')] }));
    const m = model({ users, roles, groups });
    const r = findEscalationPaths(m);

    const assumers = Array.from({ length: 6 }, (_, k) => userArn(`user-${k * 500 + 3}`));
    const passers = Array.from({ length: 6 }, (_, k) => userArn(`user-${k * 1000 + 7}`));
    expect(r.admins).toHaveLength(7);
    expect(r.paths.map((p) => p.principal).sort()).toEqual([...assumers, ...passers].sort());
    for (const p of r.paths) {
      if (assumers.includes(p.principal)) expect(p.hops[0].method).toBe('sts-assume-role');
      else expect(p.hops[0]).toMatchObject({ method: 'iam-passrole-lambda-invoke', to: roleArn('fn-admin') });
      expect(p.reaches).not.toBe(ADMIN_TARGET);
    }
  });
});
