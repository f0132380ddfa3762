import type { RuleDefinition } from '../../src/rule-kit.js';

export const awsRules: RuleDefinition[] = [];
