import { defineRule, sources, targets, sortTexts, type GraphNode, type RuleContext } from '../../src/rule-kit.js';

/**
 * How many of the owner's token ids a finding's evidence lists (its own first, then the others in
 * sorted order; the message names the first five). Each token of an owner gets a finding, and each listed all the
 * owner's tokens: an admin owning N tokens gave N x N ids (1.9 GB of JSON at N = 5,000). Ten is
 * past the most tokens one owner holds on the demo and the 10k bench estate (8), whose findings
 * list them all; past it, `tokensOmitted` says how many more there are, and the
 * owner's id (evidence.owner) finds them all.
 */
const LISTED_TOKENS = 10;

/** What the findings of one owner's tokens say of them all: the same for each of its tokens. */
interface OwnerTokens {
  count: number;
  /** The message's list: the first five names, then `…` when there are more. */
  names: string;
  /** The first LISTED_TOKENS ids in sorted order: enough to list a token's own id and LISTED_TOKENS - 1 others. */
  first: string[];
}

/**
 * Per run (its context, held weakly: not the graph after the run), each owner's tokens as the
 * findings name them: listed and sorted once per owner, not once per token of the owner.
 */
const byOwner = new WeakMap<RuleContext, Map<GraphNode, OwnerTokens>>();

function ownerTokens(owner: GraphNode, ctx: RuleContext): OwnerTokens {
  let seen = byOwner.get(ctx);
  if (seen === undefined) byOwner.set(ctx, (seen = new Map()));
  let v = seen.get(owner);
  if (v === undefined) {
    const tokens = sources(ctx.graph, owner, 'ACTS_AS').filter((n) => n.type === 'okta-api-token');
    const names = sortTexts(tokens.map((t) => t.name));
    const ids = sortTexts(tokens.map((t) => t.id));
    v = { count: tokens.length, names: names.slice(0, 5).join(', ') + (names.length > 5 ? ', …' : ''), first: ids.slice(0, LISTED_TOKENS) };
    seen.set(owner, v);
  }
  return v;
}

/**
 * The ids a token's finding lists: its own first (past the first ten of the owner, the first ten
 * alone left it out of its own finding), then the owner's others in sorted order, ten in all.
 */
function listedIds(own: string, tokens: OwnerTokens): string[] {
  return [own, ...tokens.first.filter((id) => id !== own).slice(0, LISTED_TOKENS - 1)];
}

export default defineRule({
  meta: {
    id: 'okta-api-token-shared',
    title: 'One Okta account backs the API tokens of several integrations',
    severity: 'medium',
    tiered: true,
    providers: ['okta'],
    owasp: ['NHI9:2025'],
    frameworks: { nistCsf: ['PR.AA-02'] },
    description:
      'An API token is the rights of its owner. When one owner has more than `maxTokensPerOwner` tokens, several integrations share one identity: same rights, same audit-log actor, same fate when the account changes. The rule counts tokens per owner rather than reading clientName, which names the Okta client used to create the token (e.g. "Okta API"), not the integration. Each finding\'s evidence gives the owner and its tokens\' ids: the token\'s own first, then the others in sorted order, ten in all, and past them how many more (`tokensOmitted`), so that an owner of thousands of tokens does not make every one of their findings list every one.',
    risk: 'A compromise of any one integration, or of the owner, is a compromise of all of them, and the System Log cannot tell which integration did what.',
    remediation: 'Give each integration its own OAuth service app with its own scopes, and revoke the shared tokens one by one.',
    references: [
      'https://help.okta.com/en-us/Content/Topics/security/api.htm',
      'https://owasp.org/www-project-non-human-identities-top-10/2025/9-nhi-reuse/',
    ],
    maturity: 'stable',
    messages: { shared: 'API token {{name}} is one of {{count}} tokens acting as {{owner}}: {{tokens}}' },
    options: { maxTokensPerOwner: { integer: true, default: 1, description: 'tokens one owner may hold before they count as shared' } },
  },
  evaluates: { types: ['okta-api-token'], requires: ['okta.apiTokens'] },
  check(subject, ctx) {
    const owner = targets(ctx.graph, subject, 'ACTS_AS')[0];
    if (!owner) return ctx.unknown('the token names no owner');
    const tokens = ownerTokens(owner, ctx);
    if (tokens.count <= Number(ctx.options.maxTokensPerOwner)) return;
    const ids = listedIds(subject.id, tokens);
    const omitted = tokens.count - ids.length;
    ctx.report({
      messageId: 'shared',
      args: { count: tokens.count, owner: owner.name, tokens: tokens.names },
      evidence: { owner: owner.id, tokens: ids, ...(omitted > 0 ? { tokensOmitted: omitted } : {}) },
    });
  },
});
