import { describe, it, expect } from 'vitest';
import { parseAuthorizationDetails, createEvaluator, principalsOf } from '../../src/aws/index.js';
import { answerAccount } from '../../src/connectors/aws/account-answers.js';
import { allow, deny, doc, gaad, groupEntry, roleEntry, trustService, userEntry } from './helpers.js';

const NOW = new Date('2026-11-29T00:00:00Z');
const fromOffice = { Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } };

/** Per user or role name: the model access it is allowed, and what of it marks it an AI agent (a grant that names it). */
function agentEvidence(roles: Record<string, unknown>[], users: Record<string, unknown>[] = [], groups: Record<string, unknown>[] = []): Record<string, { invoke: string[]; named: string[] }> {
  const model = parseAuthorizationDetails(gaad({ roles, users, groups }));
  const answers = answerAccount(model, createEvaluator(model, { now: NOW }));
  const out: Record<string, { invoke: string[]; named: string[] }> = {};
  principalsOf(model).forEach((p, i) => (out[p.name] = { invoke: answers.grants[i].invoke.allowed, named: answers.grants[i].invokeNamed }));
  return out;
}

const ALL_INVOKE = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream', 'bedrock:InvokeAgent', 'sagemaker:InvokeEndpoint'];

describe('model access as AI-agent evidence', () => {
  it('a blanket Action * grant is no evidence, also when a condition (source IP) narrows it', () => {
    // An administrator whose `*` only holds from the office network may call Bedrock too, but
    // that says nothing about it being an AI workload: no more than without the condition.
    const got = agentEvidence([
      roleEntry('admin-from-office', trustService('ec2.amazonaws.com'), { inline: [doc(allow('*', '*', fromOffice))] }),
      roleEntry('admin', trustService('ec2.amazonaws.com'), { inline: [doc(allow('*'))] }),
      roleEntry('summarizer', trustService('lambda.amazonaws.com'), { inline: [doc(allow('bedrock:InvokeModel', '*', fromOffice))] }),
    ]);
    expect(got['admin']).toEqual({ invoke: ALL_INVOKE, named: [] });
    expect(got['admin-from-office']).toEqual({ invoke: ALL_INVOKE, named: [] });
    // A grant that names model invocation stays evidence, with or without a condition.
    expect(got['summarizer']).toEqual({ invoke: ['bedrock:InvokeModel'], named: ['bedrock:InvokeModel'] });
  });

  // The decision: a grant that names the service of model invocation is evidence whatever else
  // the principal holds; one that names no service is not.
  it('a named grant is not masked by also holding *; service wildcards name it, service-less patterns and NotAction do not', () => {
    const got = agentEvidence([
      roleEntry('admin-and-bedrock', trustService('lambda.amazonaws.com'), { inline: [doc(allow('*')), doc(allow('bedrock:InvokeModel'))] }),
      // One statement listing both: the named entry is still there.
      roleEntry('one-statement', trustService('lambda.amazonaws.com'), { inline: [doc(allow(['*', 'bedrock:InvokeModelWithResponseStream']))] }),
      roleEntry('bedrock-all', trustService('lambda.amazonaws.com'), { inline: [doc(allow('bedrock:*'))] }),
      roleEntry('bedrock-invoke', trustService('lambda.amazonaws.com'), { inline: [doc(allow('Bedrock:Invoke*'))] }),
      roleEntry('any-service', trustService('lambda.amazonaws.com'), { inline: [doc(allow('*:Invoke*'))] }),
      roleEntry('power-user', trustService('lambda.amazonaws.com'), { inline: [doc({ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' })] }),
      // A Deny wins over the named Allow: it may invoke nothing, so nothing is evidence.
      roleEntry('denied', trustService('lambda.amazonaws.com'), { inline: [doc(allow('*')), doc(allow('bedrock:InvokeModel')), doc(deny('bedrock:*'))] }),
      // A named Deny is no grant.
      roleEntry('admin-deny-sagemaker', trustService('lambda.amazonaws.com'), { inline: [doc(allow('*')), doc(deny('sagemaker:InvokeEndpoint'))] }),
    ]);
    expect(got['admin-and-bedrock']).toEqual({ invoke: ALL_INVOKE, named: ['bedrock:InvokeModel'] });
    expect(got['one-statement']).toEqual({ invoke: ALL_INVOKE, named: ['bedrock:InvokeModelWithResponseStream'] });
    expect(got['bedrock-all']).toEqual({ invoke: ALL_INVOKE.slice(0, 3), named: ALL_INVOKE.slice(0, 3) });
    expect(got['bedrock-invoke']).toEqual({ invoke: ALL_INVOKE.slice(0, 3), named: ALL_INVOKE.slice(0, 3) });
    expect(got['any-service']).toEqual({ invoke: ALL_INVOKE, named: [] });
    expect(got['power-user']).toEqual({ invoke: ALL_INVOKE, named: [] });
    expect(got['denied']).toEqual({ invoke: ['sagemaker:InvokeEndpoint'], named: [] });
    expect(got['admin-deny-sagemaker']).toEqual({ invoke: ALL_INVOKE.slice(0, 3), named: [] });
  });

  // An IAM user is a long-lived access key or a console login: `bedrock:*` on it is how a
  // developer or administrator who works with Bedrock is given the service, not evidence of a
  // workload calling models. A grant that names invocation stays evidence; a role keeps `bedrock:*`.
  it('a whole-service grant (bedrock:*, sagemaker:*) marks a role but not an IAM user; a named invoke grant marks both', () => {
    const got = agentEvidence(
      [roleEntry('role-bedrock-all', trustService('lambda.amazonaws.com'), { inline: [doc(allow('bedrock:*'))] })],
      [
        userEntry('dev-bedrock-all', { inline: [doc(allow(['bedrock:*', 'sagemaker:*']))] }),
        userEntry('dev-in-group', { groups: ['ml-devs'] }),
        userEntry('bot-invoke', { inline: [doc(allow('bedrock:InvokeModel*'))] }),
        // The whole service and a named grant: the named one is evidence.
        userEntry('both', { inline: [doc(allow('bedrock:*')), doc(allow('sagemaker:InvokeEndpoint'))] }),
        userEntry('bot-invoke-star', { inline: [doc(allow('bedrock:Invoke*'))] }),
      ],
      [groupEntry('ml-devs', { inline: [doc(allow('bedrock:*'))] })],
    );
    expect(got['role-bedrock-all']).toEqual({ invoke: ALL_INVOKE.slice(0, 3), named: ALL_INVOKE.slice(0, 3) });
    expect(got['dev-bedrock-all']).toEqual({ invoke: ALL_INVOKE, named: [] });
    expect(got['dev-in-group']).toEqual({ invoke: ALL_INVOKE.slice(0, 3), named: [] });
    expect(got['bot-invoke']).toEqual({ invoke: ALL_INVOKE.slice(0, 2), named: ALL_INVOKE.slice(0, 2) });
    expect(got['both']).toEqual({ invoke: ALL_INVOKE, named: ['sagemaker:InvokeEndpoint'] });
    expect(got['bot-invoke-star']).toEqual({ invoke: ALL_INVOKE.slice(0, 3), named: ALL_INVOKE.slice(0, 3) });
  });
});
