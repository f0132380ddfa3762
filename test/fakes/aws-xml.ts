/**
 * Renders plain values as awsQuery XML the way IAM and STS send it: arrays become `<member>`
 * children, dates become ISO-8601, and policy documents (given as objects in the fake datasets)
 * are URL-encoded JSON inside the text node, as the real API does.
 */

export const IAM_XMLNS = 'https://iam.amazonaws.com/doc/2010-05-08/';
export const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** Element names whose value IAM sends as URL-encoded JSON. */
const URL_ENCODED_DOCUMENTS = new Set(['PolicyDocument', 'AssumeRolePolicyDocument', 'Document']);

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function renderValue(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) {
    return `<${name}>${value.map((item) => renderValue('member', item)).join('')}</${name}>`;
  }
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === 'object') {
    if (URL_ENCODED_DOCUMENTS.has(name)) {
      return `<${name}>${escapeXml(encodeURIComponent(JSON.stringify(value)))}</${name}>`;
    }
    return `<${name}>${renderFields(value as Record<string, unknown>)}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** Renders each field of an object as a child element, in insertion order. */
export function renderFields(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .map(([key, value]) => renderValue(key, value))
    .join('');
}

export function queryResponse(action: string, result: Record<string, unknown>, requestId: string, xmlns = IAM_XMLNS): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<${action}Response xmlns="${xmlns}"><${action}Result>${renderFields(result)}</${action}Result>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`
  );
}

export function queryError(code: string, message: string, requestId: string, xmlns = IAM_XMLNS): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<ErrorResponse xmlns="${xmlns}"><Error><Type>Sender</Type><Code>${escapeXml(code)}</Code>` +
    `<Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}
