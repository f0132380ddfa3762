import type { RuleDefinition } from '../../src/rule-kit.js';
import nhiPathToCrownJewel from './nhi-path-to-crown-jewel.js';

export const nhiRules: RuleDefinition[] = [nhiPathToCrownJewel];
