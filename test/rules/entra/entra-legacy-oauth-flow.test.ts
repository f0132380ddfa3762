import { describe } from 'vitest';
import rule from '../../../rules/entra/entra-legacy-oauth-flow.js';
import { ruleCases } from '../../helpers/entra-builders.js';

const NOW = '2026-11-20T00:00:00Z';

describe('entra-legacy-oauth-flow', () => {
  ruleCases(rule, NOW, [
    {
      name: 'implicit access tokens and public-client fallback give two findings',
      build: (g) => g.sp('portal', { attrs: { implicitAccessToken: true, implicitIdToken: true, isFallbackPublicClient: true } }),
      verdict: 'fail',
      severities: ['medium', 'medium'],
      message: ['access tokens and ID tokens'],
    },
    {
      name: 'near miss: everything off passes',
      build: (g) => g.sp('modern', { attrs: { implicitAccessToken: false, implicitIdToken: false, isFallbackPublicClient: false } }),
      verdict: 'pass',
    },
    {
      name: 'service principals without an app registration in the tenant are not evaluated',
      build: (g) => g.sp('vendor', { attrs: { applicationObjectId: undefined } }),
      verdict: 'not-evaluated',
    },
    {
      name: 'unknown when applications were not collected',
      coverage: { 'entra.applications': 'missing-permission' },
      build: (g) => g.sp('x', { attrs: { implicitAccessToken: true } }),
      verdict: 'unknown',
    },
  ]);
});
