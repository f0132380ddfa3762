import {
  GetOpenIDConnectProviderCommand,
  ListOpenIDConnectProvidersCommand,
  ListSAMLProvidersCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { mapBounded } from './bounded-map.js';
import { toCliJson } from './cli-json.js';
import { errorName } from './safe-error.js';
import type { RequestStats } from './request-stats.js';

/**
 * OIDC providers: ListOpenIDConnectProviders returns ARNs only and IAM has no bulk read, so
 * each provider costs one GetOpenIDConnectProvider (`iam:ListOpenIDConnectProviders`,
 * `iam:GetOpenIDConnectProvider`). IAM caps providers per account at 100, so this stays small.
 */
export async function readOidcProviders(iam: IAMClient, stats: RequestStats): Promise<unknown[]> {
  const list = await iam.send(new ListOpenIDConnectProvidersCommand({}));
  stats.pages += 1;
  // IAM sends the list element even when it is empty; a 200 without it parses as "no providers".
  if (!Array.isArray(list.OpenIDConnectProviderList)) throw new Error('ListOpenIDConnectProviders answered without OpenIDConnectProviderList');
  // An entry is an ARN and nothing else (OpenIDConnectProviderListEntry): one without it was no IAM
  // answer. Left out, the provider it stood for would be missing, and a trust naming it would read
  // as one no token can pass.
  if (list.OpenIDConnectProviderList.some((p) => typeof p?.Arn !== 'string' || p.Arn === '')) {
    throw new Error('ListOpenIDConnectProviders answered with an entry without Arn');
  }
  const arns = list.OpenIDConnectProviderList.map((p) => p.Arn as string);
  const providers = await mapBounded(arns, 4, async (arn) => {
    try {
      const p = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
      // IAM always sends the provider's Url. A 200 without it (an empty body, a proxy's page) was
      // no IAM answer: kept, its empty ClientIDList would say the provider turns every token away.
      if (typeof p.Url !== 'string' || p.Url === '') throw new Error('GetOpenIDConnectProvider answered without Url');
      return toCliJson({ Arn: arn, Url: p.Url, ClientIDList: p.ClientIDList ?? [], ThumbprintList: p.ThumbprintList ?? [], CreateDate: p.CreateDate, Tags: p.Tags });
    } catch (error) {
      // Deleted between the list and the get: it no longer exists, so leaving it out is accurate.
      if (errorName(error) === 'NoSuchEntityException' || errorName(error) === 'NoSuchEntity') return undefined;
      throw error;
    }
  });
  return providers.filter((p) => p !== undefined);
}

/** SAML providers (`iam:ListSAMLProviders`); one call returns them all. */
export async function readSamlProviders(iam: IAMClient, stats: RequestStats): Promise<unknown[]> {
  const list = await iam.send(new ListSAMLProvidersCommand({}));
  stats.pages += 1;
  if (!Array.isArray(list.SAMLProviderList)) throw new Error('ListSAMLProviders answered without SAMLProviderList');
  return (list.SAMLProviderList ?? []).map((p) => toCliJson({ Arn: p.Arn, CreateDate: p.CreateDate, ValidUntil: p.ValidUntil }));
}
