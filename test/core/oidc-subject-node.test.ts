import { describe, it, expect } from 'vitest';
import { demoSnapshot, restrictDemo, scan } from '../e2e/demo.js';
import { ids } from '../../src/graph/ids.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';

type Json = Record<string, any>;
const ACCT = '111122223333';
const ISSUER = 'https://token.actions.githubusercontent.com';
/** A GitHub subject an Entra app's federated credential trusts in the demo. */
const SUB = 'repo:northwind/infra:ref:refs/heads/main';
const NODE = ids.external('oidc', `${ISSUER}|${SUB}`);

/** The demo with github-deploy trusting that same subject, so both transforms add its node. */
function shared(): Snapshot {
  const s = demoSnapshot();
  const role = (s.files[`aws/${ACCT}/authorization-details.json`] as Json).RoleDetailList.find((r: Json) => r.RoleName === 'github-deploy');
  const cond = role.AssumeRolePolicyDocument.Statement[0].Condition;
  delete cond.StringLike;
  cond.StringEquals['token.actions.githubusercontent.com:sub'] = SUB;
  return s;
}

describe('the external node of an OIDC subject trusted from two providers', () => {
  it('gets the same name and type whichever transform adds it first', () => {
    const node = (s: Snapshot) => {
      const n = scan(s).graph.node(NODE);
      return n && { name: n.name, type: n.type, nativeId: n.nativeId, scope: n.scope };
    };
    // Each transform alone is what the node reads when that transform writes it first.
    const aws = node(restrictDemo(shared(), ['aws']));
    const entra = node(restrictDemo(shared(), ['entra']));
    expect(aws).toBeDefined();
    expect(entra).toEqual(aws);
    expect(node(shared())).toEqual(aws);
    expect(aws).toEqual({ name: `GitHub ${SUB}`, type: 'github-repo', nativeId: `${ISSUER}|${SUB}`, scope: ISSUER });
  });
});
