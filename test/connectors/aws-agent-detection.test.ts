import { describe, expect, it } from 'vitest';
import { allow, doc, oneAccount, roleId, trust, userId } from '../helpers/aws-builders.js';

describe('AWS AI-agent detection by name, tags and description', () => {
  it('says which field matched and what it matched, not the pattern', () => {
    const g = oneAccount({
      roles: [
        { name: 'ticket-agent', trust: trust.service('lambda.amazonaws.com'), inline: [doc(allow('s3:GetObject'))], tags: { app: 'ops-copilot' } },
        { name: 'summaries', trust: trust.service('lambda.amazonaws.com'), inline: [doc(allow('s3:GetObject'))], tags: { stack: 'langchain' } },
      ],
    });
    expect(g.node(roleId('ticket-agent'))!.agent).toEqual({ confidence: 'name', reasons: ['name mentions "agent"', 'tag mentions "copilot"'] });
    expect(g.node(roleId('summaries'))!.agent).toEqual({ confidence: 'name', reasons: ['tag mentions "langchain"'] });
  });
});

describe('AWS AI-agent detection: owner tags', () => {
  it('an owner tag naming a person (claude.martin) does not make the role an AI agent; another tag still does', () => {
    const g = oneAccount({
      roles: [
        { name: 'payments-deployer', trust: trust.service('ec2.amazonaws.com'), inline: [doc(allow('s3:PutObject'))], tags: { owner: 'claude.martin@example.com', contact: 'Gemini Team' } },
        { name: 'payments-helper', trust: trust.service('ec2.amazonaws.com'), inline: [doc(allow('s3:PutObject'))], tags: { owner: 'claude.martin@example.com', stack: 'claude' } },
      ],
    });
    expect(g.node(roleId('payments-deployer'))!.agent).toBeUndefined();
    expect(g.node(roleId('payments-helper'))!.agent).toEqual({ confidence: 'name', reasons: ['tag mentions "claude"'] });
  });
});

describe('AWS AI-agent detection: people', () => {
  it('a console user with MFA and no key whose name matches a pattern (claude.martin) is a person, not an AI agent', () => {
    const person = { password: { lastUsed: '2026-11-01T00:00:00Z' }, mfa: true };
    const g = oneAccount({
      users: [
        { name: 'claude.martin', managed: ['AdministratorAccess'], report: person },
        // The same sign-in, but the user may invoke models: AI-agent evidence keeps it a machine identity.
        { name: 'claude.summaries', inline: [doc(allow('bedrock:InvokeModel'))], report: person },
      ],
    });
    const claude = g.node(userId('claude.martin'))!;
    expect(claude.kind).toBe('human');
    expect(claude.agent).toBeUndefined();
    expect(claude.attrs.humanEvidence).toBe('console password with MFA and no active access key');
    const agent = g.node(userId('claude.summaries'))!;
    expect(agent.kind).toBe('identity');
    expect(agent.agent?.confidence).toBe('permission');
  });
});

describe('AWS AI-agent detection by permission', () => {
  it('a role that may only stream model answers (bedrock:InvokeModelWithResponseStream) may invoke AI models', () => {
    const g = oneAccount({ roles: [{ name: 'svc-chat', trust: trust.service('lambda.amazonaws.com'), inline: [doc(allow('bedrock:InvokeModelWithResponseStream'))] }] });
    expect(g.node(roleId('svc-chat'))!.agent).toEqual({ confidence: 'permission', reasons: ['may invoke AI models (bedrock:InvokeModelWithResponseStream)'] });
  });
});

describe('AWS AI-agent detection: model access through a blanket grant', () => {
  // A grant that names model invocation marks an agent also beside AdministratorAccess; model
  // access that comes only from `*` does not (an administrator may call everything).
  it('a role with * and an explicit bedrock:InvokeModel grant is an agent; one with * alone is not', () => {
    const g = oneAccount({
      roles: [
        { name: 'summarizer-admin', trust: trust.service('lambda.amazonaws.com'), managed: ['AdministratorAccess'], inline: [doc(allow('bedrock:InvokeModel'))] },
        { name: 'platform-admin', trust: trust.service('lambda.amazonaws.com'), managed: ['AdministratorAccess'] },
      ],
    });
    expect(g.node(roleId('summarizer-admin'))!.agent).toEqual({ confidence: 'permission', reasons: ['may invoke AI models (bedrock:InvokeModel)'] });
    expect(g.node(roleId('summarizer-admin'))!.attrs.modelInvoke).toEqual(['bedrock:InvokeModel']);
    expect(g.node(roleId('platform-admin'))!.agent).toBeUndefined();
  });
});

describe('AWS AI-agent detection: software agents of monitoring and CI', () => {
  it('an SSM Agent instance role and a Jenkins build agent are not AI agents by name; another agent still is', () => {
    const g = oneAccount({
      roles: [
        { name: 'ssm-agent-role', trust: trust.service('ec2.amazonaws.com'), inline: [doc(allow(['ssm:GetParameter', 'ssm:UpdateInstanceInformation', 'ssmmessages:CreateControlChannel']))], instanceProfile: true },
        { name: 'jenkins-agent', trust: trust.service('ec2.amazonaws.com'), managed: ['AdministratorAccess'] },
        { name: 'cw-exporter', trust: trust.service('ec2.amazonaws.com'), inline: [doc(allow('logs:GetLogEvents'))], tags: { purpose: 'CloudWatch Agent' } },
        { name: 'support-agent', trust: trust.service('lambda.amazonaws.com'), inline: [doc(allow('s3:GetObject'))] },
      ],
    });
    expect(g.node(roleId('ssm-agent-role'))!.agent).toBeUndefined();
    expect(g.node(roleId('jenkins-agent'))!.agent).toBeUndefined();
    expect(g.node(roleId('cw-exporter'))!.agent).toBeUndefined();
    expect(g.node(roleId('support-agent'))!.agent).toEqual({ confidence: 'name', reasons: ['name mentions "agent"'] });
  });
});

describe('AWS AI-agent detection: versions, plurals and more software agents', () => {
  it('gpt4, chatgpt and agents match; dd-agent, vsts-agent, tfc-agent, AmazonSSM-agent and ssm - agent do not', () => {
    const names = ['gpt4-summarizer', 'chatgpt-sync', 'support-agents', 'dd-agent', 'vsts-agent', 'tfc-agent', 'AmazonSSM-agent', 'ssm - agent', 'gptx'];
    const g = oneAccount({ roles: names.map((name) => ({ name: name.replace(/ /g, '_'), trust: trust.service('lambda.amazonaws.com'), inline: [doc(allow('s3:GetObject'))], tags: { purpose: name } })) });
    const agentOf = (name: string) => g.node(roleId(name.replace(/ /g, '_')))!.agent?.reasons;
    expect(agentOf('gpt4-summarizer')).toEqual(['name mentions "gpt4"', 'tag mentions "gpt4"']);
    expect(agentOf('chatgpt-sync')).toEqual(['name mentions "chatgpt"', 'tag mentions "chatgpt"']);
    expect(agentOf('support-agents')).toEqual(['name mentions "agents"', 'tag mentions "agents"']);
    for (const software of ['dd-agent', 'vsts-agent', 'tfc-agent', 'AmazonSSM-agent', 'ssm - agent']) expect(agentOf(software)).toBeUndefined();
    // Near miss: gpt followed by letters is another word.
    expect(agentOf('gptx')).toBeUndefined();
  });
});

describe('AWS AI-agent detection: snake_case names', () => {
  it('openai_sync and ops_agent_role match the default patterns; my_ssm_agent does not', () => {
    const g = oneAccount({
      roles: [
        { name: 'openai_sync', trust: trust.service('lambda.amazonaws.com'), inline: [doc(allow('s3:GetObject'))] },
        { name: 'ops_agent_role', trust: trust.service('lambda.amazonaws.com'), inline: [doc(allow('s3:GetObject'))] },
        { name: 'my_ssm_agent', trust: trust.service('ec2.amazonaws.com'), inline: [doc(allow('ssm:GetParameter'))] },
      ],
    });
    expect(g.node(roleId('openai_sync'))!.agent).toEqual({ confidence: 'name', reasons: ['name mentions "openai"'] });
    expect(g.node(roleId('ops_agent_role'))!.agent).toEqual({ confidence: 'name', reasons: ['name mentions "agent"'] });
    expect(g.node(roleId('my_ssm_agent'))!.agent).toBeUndefined();
  });
});

describe('AWS AI-agent detection: IAM users granted a whole model service', () => {
  // bedrock:* on an IAM user is a developer's or administrator's grant of the service, not
  // evidence of a workload calling models: an access-key user with it is a plain service
  // account, a console person with it stays a person. A grant naming invocation still marks it.
  it('an IAM user with bedrock:* is no AI agent (a console person stays a person); one with bedrock:InvokeModel* is', () => {
    const person = { password: { lastUsed: '2026-11-01T00:00:00Z' }, mfa: true };
    const key = { keys: [{ active: true, rotated: '2026-10-01T00:00:00+00:00', lastUsed: '2026-11-20T00:00:00+00:00' }] };
    const g = oneAccount({
      users: [
        { name: 'ml-dev', inline: [doc(allow('bedrock:*'))], report: person },
        { name: 'ci-deploy', inline: [doc(allow('bedrock:*'))], report: key },
        { name: 'summarizer', inline: [doc(allow('bedrock:InvokeModel*'))], report: key },
      ],
      roles: [{ name: 'svc-models', trust: trust.service('lambda.amazonaws.com'), inline: [doc(allow('bedrock:*'))] }],
    });
    expect(g.node(userId('ml-dev'))!.kind).toBe('human');
    expect(g.node(userId('ml-dev'))!.agent).toBeUndefined();
    expect(g.node(userId('ci-deploy'))!.kind).toBe('identity');
    expect(g.node(userId('ci-deploy'))!.agent).toBeUndefined();
    expect(g.node(userId('summarizer'))!.agent).toEqual({ confidence: 'permission', reasons: ['may invoke AI models (bedrock:InvokeModel, bedrock:InvokeModelWithResponseStream)'] });
    expect(g.node(roleId('svc-models'))!.agent).toEqual({ confidence: 'permission', reasons: ['may invoke AI models (bedrock:InvokeModel, bedrock:InvokeModelWithResponseStream, bedrock:InvokeAgent)'] });
  });
});
