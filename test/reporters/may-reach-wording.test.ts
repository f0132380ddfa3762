import { describe, it, expect } from 'vitest';
import { explain } from '../../src/explain.js';
import { renderExplain } from '../../src/reporters/explain.js';
import { demoSnapshot, scan } from '../e2e/demo.js';

// A reach that rests only on conditional hops (here a trust the account's OIDC provider turns
// away) is "may reach" wherever an identity's reach is put in words, as nhi-path-to-crown-jewel
// and the recert sheet say it; a firm reach stays "reaches".

const SECRETS = 'AWS account 111122223333 secrets (Secrets Manager, KMS, SSM)';

/** The demo, without the account's OIDC provider for the tenant's issuer when `oidc` is false. */
function demo(oidc: boolean) {
  const s = demoSnapshot();
  const key = 'aws/111122223333/oidc-providers.json';
  if (!oidc) s.files[key] = (s.files[key] as { Url: string }[]).filter((x) => !x.Url.startsWith('sts.windows.net/'));
  return scan(s);
}

function card(r: ReturnType<typeof scan>, who: string) {
  const m = explain(r, who);
  if (m.kind !== 'card') throw new Error(`no card for ${who}`);
  return m.card;
}

describe('tier reasons: "may reach" when only conditional routes give the tier', () => {
  it('the JSON report, the explain card and the finding messages quoting the reason', () => {
    const r = demo(false);
    const ops = r.report.identities.find((i) => i.name === 'Ops Agent')!;
    expect(ops.tier).toBe(3);
    expect(ops.tierReasons).toEqual([`may reach ${SECRETS} (T3)`]);
    expect(renderExplain(card(r, 'Ops Agent'), false, 1000)).toContain(`capability T3 (may reach ${SECRETS} (T3)) · autonomy`);
    const secret = r.report.findings.find((f) => f.ruleId === 'entra-secret-on-privileged-app' && f.subject.name === 'Ops Agent')!;
    expect(secret.message).toBe(`Ops Agent reaches tier T3 (may reach ${SECRETS} (T3)) and authenticates with client secret "ops-agent-runtime".`);
  });

  it('near miss: the demo as is, a firm route, "reaches"', () => {
    const r = demo(true);
    expect(r.report.identities.find((i) => i.name === 'Ops Agent')!.tierReasons).toEqual([`reaches ${SECRETS} (T3)`]);
    expect(renderExplain(card(r, 'Ops Agent'), false, 1000)).toContain(`capability T3 (reaches ${SECRETS} (T3)) · autonomy`);
  });
});

describe('explain: a crown jewel whose shown route has a conditional hop is "may reach"', () => {
  it('the card\'s crown-jewel line says "may reach" for the route through the trust turned away', () => {
    const text = renderExplain(card(demo(false), 'Ops Agent'), false, 1000);
    expect(text).toContain(`\n   may reach ${SECRETS} (secrets, crosses providers):\n`);
    expect(text).not.toContain(`\n   reaches ${SECRETS}`);
  });

  it('near miss: the demo as is, the same route held today, "reaches"', () => {
    expect(renderExplain(card(demo(true), 'Ops Agent'), false, 1000)).toContain(`\n   reaches ${SECRETS} (secrets, crosses providers):\n`);
  });
});
