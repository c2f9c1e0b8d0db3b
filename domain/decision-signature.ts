import { z } from 'zod';

/**
 * Back-office decisions are signed by the executive's own Ed25519 key (the private key never
 * reaches Seva; public keys are registered per user). The signed message is the canonical JSON
 * below, so any client can build it and anyone can check it later.
 */
export const ZDecisionSignature = z.object({
  keyId: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'the key id returned when the key was registered'),
  signedAt: z.iso.datetime({ offset: true }),
  value: z.string().regex(/^[A-Za-z0-9_-]{86}$/, 'base64url of the 64-byte Ed25519 signature'),
});
export type TDecisionSignature = z.infer<typeof ZDecisionSignature>;
/** What travels with the decision into the workflow and the decision record. */
export type TSignedDecision = TDecisionSignature & { message: string };

export const DECISION_SIGNATURE_CONTEXT = 'seva-decision-v1';

/** JSON with object keys sorted at every level and no whitespace (RFC 8785 for the values we use). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * The exact bytes an executive signs for one action on one request: the action's path name
 * (e.g. "approve-step"), the request, the body without its `signature`, and the signing time.
 */
export function decisionMessage(input: {
  requestNumber: string;
  action: string;
  body: Record<string, unknown>;
  signedAt: string;
}): string {
  const { signature: _signature, ...body } = input.body;
  return canonicalJson({
    context: DECISION_SIGNATURE_CONTEXT,
    requestNumber: input.requestNumber,
    action: input.action,
    body,
    signedAt: input.signedAt,
  });
}
