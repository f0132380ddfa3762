import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Rng } from './prng.js';

/** One AWS managed policy as `get-account-authorization-details` lists it. */
export interface ManagedPolicy {
  name: string;
  arn: string;
  path: string;
  policyId: string;
  versionId: string;
  createDate: string;
  updateDate: string;
  document: unknown;
}

/** Names every estate uses (the usual suspects of real accounts), when the corpus has them. */
const WELL_KNOWN = [
  'AdministratorAccess', 'PowerUserAccess', 'ReadOnlyAccess', 'IAMFullAccess', 'AmazonS3FullAccess', 'AmazonS3ReadOnlyAccess',
  'AWSLambdaBasicExecutionRole', 'AmazonDynamoDBFullAccess', 'AmazonEC2ReadOnlyAccess', 'CloudWatchLogsFullAccess',
  'SecretsManagerReadWrite', 'AWSSupportAccess', 'AmazonSSMManagedInstanceCore', 'CloudWatchAgentServerPolicy',
  'AmazonECSTaskExecutionRolePolicy', 'AWSGlueServiceRole', 'AmazonSQSFullAccess', 'AmazonSNSFullAccess', 'AWSBillingReadOnlyAccess',
  'AmazonEC2ContainerRegistryReadOnly', 'AWSCodeBuildDeveloperAccess', 'AmazonBedrockFullAccess',
];

const AWS_DATE = '2015-02-06T18:39:46+00:00';
const FALLBACK: Record<string, unknown> = {
  AdministratorAccess: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  PowerUserAccess: {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' },
      { Effect: 'Allow', Action: ['iam:CreateServiceLinkedRole', 'iam:DeleteServiceLinkedRole', 'iam:ListRoles', 'organizations:DescribeOrganization', 'account:ListRegions'], Resource: '*' },
    ],
  },
  ReadOnlyAccess: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['ec2:Describe*', 's3:Get*', 's3:List*', 'iam:Get*', 'iam:List*', 'lambda:Get*', 'lambda:List*', 'dynamodb:Describe*', 'dynamodb:List*', 'logs:Describe*', 'logs:Get*'], Resource: '*' }] },
  IAMFullAccess: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:*', 'organizations:DescribeAccount', 'organizations:DescribeOrganization'], Resource: '*' }] },
  AmazonS3FullAccess: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:*', 's3-object-lambda:*'], Resource: '*' }] },
  AmazonS3ReadOnlyAccess: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:Get*', 's3:List*', 's3:Describe*', 's3-object-lambda:Get*', 's3-object-lambda:List*'], Resource: '*' }] },
  AWSLambdaBasicExecutionRole: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }] },
  AmazonDynamoDBFullAccess: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['dynamodb:*', 'dax:*', 'application-autoscaling:*', 'cloudwatch:GetMetricStatistics'], Resource: '*' }] },
  AmazonEC2ReadOnlyAccess: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['ec2:Describe*', 'elasticloadbalancing:Describe*', 'cloudwatch:ListMetrics', 'autoscaling:Describe*'], Resource: '*' }] },
  SecretsManagerReadWrite: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['secretsmanager:*', 'kms:DescribeKey', 'kms:ListAliases', 'lambda:ListFunctions'], Resource: '*' }] },
  AWSSupportAccess: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['support:*'], Resource: '*' }] },
  CloudWatchAgentServerPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['cloudwatch:PutMetricData', 'ec2:DescribeVolumes', 'ec2:DescribeTags', 'logs:PutLogEvents', 'logs:DescribeLogStreams', 'logs:DescribeLogGroups', 'logs:CreateLogStream', 'logs:CreateLogGroup'], Resource: '*' }, { Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: 'arn:aws:ssm:*:*:parameter/AmazonCloudWatch-*' }] },
};

/** The repo root (where package.json is), from dist/scripts/gen or scripts/gen. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

/** `../shared/data/aws-managed-policies.json` next to the repo, when present. */
export function defaultManagedPoliciesFile(): string {
  return resolve(repoRoot(), '..', 'shared', 'data', 'aws-managed-policies.json');
}

/**
 * AWS managed policies to attach: the real corpus (`{ name: document }` plus an optional
 * `-meta.json` with ids and dates) when the file exists, otherwise a small built-in set so the
 * generator works on any machine. `sampleSize` caps how many distinct ones an estate uses.
 */
export function loadManagedPolicies(rng: Rng, file: string | undefined, sampleSize = 160): { policies: ManagedPolicy[]; source: 'corpus' | 'built-in' } {
  let docs: Record<string, unknown> = FALLBACK;
  let meta: Record<string, Record<string, unknown>> = {};
  let source: 'corpus' | 'built-in' = 'built-in';
  if (file && existsSync(file)) {
    docs = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    source = 'corpus';
    const metaFile = file.replace(/\.json$/, '-meta.json');
    if (existsSync(metaFile)) {
      const m = JSON.parse(readFileSync(metaFile, 'utf8')) as { policies?: Record<string, Record<string, unknown>> };
      meta = m.policies ?? {};
    }
  }
  const all = Object.keys(docs).sort();
  const chosen = new Set(WELL_KNOWN.filter((n) => n in docs));
  const rest = all.filter((n) => !chosen.has(n));
  for (const n of rng.sample(rest, Math.max(0, sampleSize - chosen.size))) chosen.add(n);
  const policies = [...chosen].sort().map((name): ManagedPolicy => {
    const m = meta[name] ?? {};
    const path = typeof m.list_Path === 'string' ? m.list_Path : '/';
    return {
      name,
      arn: typeof m.list_Arn === 'string' ? m.list_Arn : `arn:aws:iam::aws:policy${path}${name}`,
      path,
      policyId: typeof m.list_PolicyId === 'string' ? m.list_PolicyId : `ANPA${name.toUpperCase().replace(/[^A-Z2-7]/g, 'Q').padEnd(17, 'Q').slice(0, 17)}`,
      versionId: typeof m.VersionId === 'string' ? m.VersionId : 'v1',
      createDate: typeof m.list_CreateDate === 'string' ? m.list_CreateDate : AWS_DATE,
      updateDate: typeof m.list_UpdateDate === 'string' ? m.list_UpdateDate : AWS_DATE,
      document: docs[name],
    };
  });
  return { policies, source };
}
