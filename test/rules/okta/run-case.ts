import { expect } from 'vitest';
import type { RuleDefinition } from '../../../src/engine/types.js';
import { runRule } from '../../helpers/rule-tester.js';
import { NOW, type OktaRuleCase } from '../../helpers/okta-builders.js';

/** Runs one table row and checks verdict, severities and message ids of the subject. */
export function runCase(rule: RuleDefinition, c: OktaRuleCase): void {
  const graph = c.org().graph(c.config);
  const run = runRule(rule, graph, { now: NOW, options: c.options, config: c.config });
  expect(run.verdicts.get(c.subject)).toBe(c.verdict);
  const mine = run.findings.filter((f) => f.subject.id === c.subject);
  if (c.severities) expect(mine.map((f) => f.severity).sort()).toEqual([...c.severities].sort());
  if (c.messageIds) expect(mine.map((f) => f.messageId).sort()).toEqual([...c.messageIds].sort());
  for (const f of mine) expect(f.message).not.toMatch(/\{\{/);
}
