import { describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import type { RuleContext } from '../../src/engine/types.js';
import { NOT_USER_IDENTITY_TYPES } from '../../src/rule-kit.js';
import { demoSnapshot, DEMO_NOW, scan } from '../e2e/demo.js';

// `evaluates.skipsTypes` restates what a kind rule's `where` turns away, so that a subject list of
// those types not read counts no unknown (engine/run.ts countUnlistedScopes). The two are written
// apart: if a rule's `where` came to take a skipped type, that list's gap would be silently left
// out. On the demo graph, every node of a skipped type must be turned away by `where`.
describe('skipsTypes agrees with where', () => {
  const result = scan(demoSnapshot());
  const declaring = allRules.filter((r) => (r.evaluates.skipsTypes?.length ?? 0) > 0);

  it('some rules declare skipped types', () => {
    expect(declaring.length).toBeGreaterThan(0);
  });

  // Derived from the engine's kind table (typesOfKind): every identity type but the user objects
  // maybeServiceAccount may classify, which the service-account rules judge.
  it('NOT_USER_IDENTITY_TYPES is every identity type that is not a user object', () => {
    expect([...NOT_USER_IDENTITY_TYPES].sort()).toEqual([
      'aws-iam-role',
      'aws-root-user',
      'entra-agent-identity',
      'entra-application',
      'entra-managed-identity',
      'entra-service-principal',
      'okta-api-token',
      'okta-service-app',
    ]);
  });

  for (const rule of declaring) {
    it(`${rule.meta.id}: where takes no node of a skipped type`, () => {
      const skipped = new Set(rule.evaluates.skipsTypes);
      const options = Object.fromEntries(Object.entries(rule.meta.options ?? {}).map(([k, o]) => [k, o.default]));
      const ctx: RuleContext = { graph: result.graph, now: DEMO_NOW, options, analysis: result.analysis, report: () => {}, unknown: () => {} };
      const where = rule.evaluates.where;
      expect(where, 'a rule that skips types has a where that does').toBeDefined();
      let asked = 0;
      const taken: string[] = [];
      for (const node of result.graph.nodes.values()) {
        if (!skipped.has(node.type)) continue;
        asked++;
        if (where!(node, ctx)) taken.push(`${node.type} ${node.id}`);
      }
      // The demo holds nodes of the skipped types (a root user, service principals, roles...).
      expect(asked).toBeGreaterThan(0);
      expect(taken).toEqual([]);
    });
  }
});
