import { describe, it, expect } from 'vitest';
import { parseAuthorizationDetails, createEvaluator, principalsOf } from '../../src/aws/index.js';
import { answerAccount } from '../../src/connectors/aws/account-answers.js';
import { allow, doc, gaad, roleEntry, trustService } from './helpers.js';

const NOW = new Date('2026-11-29T00:00:00Z');
const fromOffice = { Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } };

/** Per role name: whether its model access could mark it an AI agent (allowed, and not only through a blanket grant). */
function agentEvidence(roles: Record<string, unknown>[]): Record<string, { invoke: string[]; blanket: boolean }> {
  const model = parseAuthorizationDetails(gaad({ roles }));
  const answers = answerAccount(model, createEvaluator(model, { now: NOW }));
  const out: Record<string, { invoke: string[]; blanket: boolean }> = {};
  principalsOf(model).forEach((p, i) => (out[p.name] = { invoke: answers.grants[i].invoke.allowed, blanket: answers.grants[i].blanket }));
  return out;
}

describe('model access as AI-agent evidence', () => {
  it('a blanket Action * grant is blanket also when a condition (source IP) narrows it', () => {
    // An administrator whose `*` only holds from the office network may call Bedrock too, but
    // that says nothing about it being an AI workload: no more than without the condition.
    const got = agentEvidence([
      roleEntry('admin-from-office', trustService('ec2.amazonaws.com'), { inline: [doc(allow('*', '*', fromOffice))] }),
      roleEntry('admin', trustService('ec2.amazonaws.com'), { inline: [doc(allow('*'))] }),
      roleEntry('summarizer', trustService('lambda.amazonaws.com'), { inline: [doc(allow('bedrock:InvokeModel', '*', fromOffice))] }),
    ]);
    expect(got['admin']).toMatchObject({ blanket: true });
    expect(got['admin-from-office'].invoke.length).toBeGreaterThan(0);
    expect(got['admin-from-office'].blanket).toBe(true);
    // A grant that names model invocation stays evidence, with or without a condition.
    expect(got['summarizer']).toEqual({ invoke: ['bedrock:InvokeModel'], blanket: false });
  });
});
