import type { RuleDefinition } from '../src/rule-kit.js';
import { entraRules } from './entra/index.js';
import { oktaRules } from './okta/index.js';
import { awsRules } from './aws/index.js';
import { nhiRules } from './nhi/index.js';

/** Every rule nhiscan ships. A test fails when a rule file is missing here. */
export const allRules: readonly RuleDefinition[] = [...entraRules, ...oktaRules, ...awsRules, ...nhiRules];
