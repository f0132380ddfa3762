import { describe, it, expect } from 'vitest';
import { GraphBuilder } from '../../src/graph/graph.js';
import { ids } from '../../src/graph/ids.js';
import type { GraphNode } from '../../src/graph/model.js';
import { linkProviders } from '../../src/connectors/link.js';

/**
 * The create-group route (okta.groups.manage can make a group aws_<account>_<role>) leads to every
 * SAML provider the app's role value pattern names for its own account. The link finds those by
 * the shape of the pattern's provider part, not by trying every provider for every such edge:
 * with many accounts and apps, the providers of other names are read once, however many apps
 * there are.
 */
const ORG = 'https://acme.okta.com';
const ACCOUNTS = 300;
const APPS = 50;
const OTHERS = 5;
const PATTERN = 'arn:aws:iam::${accountid}:saml-provider/Okta,arn:aws:iam::${accountid}:role/${role}';
const account = (i: number): string => String(100000000000 + i);
const provider = (i: number, name: string): string => `arn:aws:iam::${account(i)}:saml-provider/${name}`;

function estate(pattern = PATTERN, okta: (i: number) => string = () => 'Okta'): { b: GraphBuilder; reads: Map<string, number> } {
  const b = new GraphBuilder();
  const reads = new Map<string, number>();
  const hub = (arn: string, counted: boolean): GraphNode => {
    const node = { id: ids.external('saml-provider', arn), kind: 'external', provider: 'external', type: 'aws-saml-provider-ref', name: arn, scope: 'aws', attrs: {} } as unknown as GraphNode;
    // Counts how often the link reads a provider's ARN: once per provider and edge before the index.
    Object.defineProperty(node, 'nativeId', {
      enumerable: true,
      get: () => {
        if (counted) reads.set(arn, (reads.get(arn) ?? 0) + 1);
        return arn;
      },
    });
    return b.addNode(node);
  };
  const scope = b.addNode({ id: ids.oktaScope(ORG, 'okta.groups.manage'), kind: 'privilege', provider: 'okta', type: 'okta-scope', name: 'okta.groups.manage', nativeId: 'okta.groups.manage', scope: ORG, attrs: {} });
  for (let i = 0; i < ACCOUNTS; i++) {
    for (const [name, counted] of [[okta(i), false], ...Array.from({ length: OTHERS }, (_, k) => [`Other${k}`, true] as const)] as const) {
      const h = hub(provider(i, name), counted);
      const arn = `arn:aws:iam::${account(i)}:role/${name}-admin`;
      const role = b.addNode({ id: ids.awsPrincipal(account(i), arn), kind: 'identity', provider: 'aws', type: 'aws-role', name: `${name}-admin`, nativeId: arn, scope: account(i), attrs: {} });
      b.addEdge({ from: h.id, to: role.id, type: 'FEDERATES_TO', reason: `role trusts ${name}` });
    }
  }
  // One AWS app per account for the first APPS accounts, each signing with its own key.
  for (let i = 0; i < APPS; i++) {
    const appId = `0oaApp${i}`;
    b.addNode({
      id: ids.oktaApp(ORG, appId),
      kind: 'privilege',
      provider: 'okta',
      type: 'okta-aws-federation-app',
      name: `AWS ${i}`,
      nativeId: appId,
      scope: ORG,
      enabled: true,
      attrs: { samlProviderArn: provider(i, okta(i)), roleValuePattern: pattern, groupFilter: 'aws_(?{{accountid}}\\d+)_(?{{role}}.+)', useGroupMapping: true, signingKid: `kid${i}` },
    });
    b.addEdge({
      from: scope.id,
      to: ids.external('saml-provider', provider(i, okta(i))),
      type: 'CAN_ESCALATE_TO',
      reason: `okta.groups.manage can create a group for AWS ${i}`,
      conditional: true,
      evidence: { method: 'okta:addGroup/replaceGroup+assignUserToGroup', createGroup: 'create', appId },
    });
  }
  return { b, reads };
}

describe('Okta create-group route across many accounts', () => {
  it('reaches each account\'s provider of the pattern\'s name, reading the other providers once, not once per app', () => {
    const { b, reads } = estate();
    linkProviders(b);
    const made = b.edgeList().filter((e) => e.type === 'CAN_ESCALATE_TO' && e.evidence?.createGroup === 'create');
    // Each app: its own provider, and the Okta provider of every account no app names (the
    // others' providers sign for other keys); never an OtherN provider.
    expect(made).toHaveLength(APPS * (1 + ACCOUNTS - APPS));
    expect(made.some((e) => /saml-provider\/Other/.test(e.to))).toBe(false);
    expect(reads.size).toBe(ACCOUNTS * OTHERS);
    expect(Math.max(...reads.values())).toBeLessThanOrEqual(2);
  });

  it('finds providers whose name carries the account too (Okta-${accountid})', () => {
    const { b } = estate(PATTERN.replace('saml-provider/Okta', 'saml-provider/Okta-${accountid}'), (i) => `Okta-${account(i)}`);
    linkProviders(b);
    const made = b.edgeList().filter((e) => e.type === 'CAN_ESCALATE_TO' && e.evidence?.createGroup === 'create');
    expect(made).toHaveLength(APPS * (1 + ACCOUNTS - APPS));
    expect(made.every((e) => /saml-provider\/Okta-\d{12}$/.test(e.to))).toBe(true);
  });
});
