import { asc, eq } from 'drizzle-orm';
import { publicKeyFromBase64url, verifyEd25519 } from '../lib/ed25519';
import type { Database } from './client';
import { requestDecisions } from './schema';
import { findSigningKeys } from './signing-keys';

export type TVerifiedDecision = {
  action: string;
  actor: string;
  role: string;
  officeId: string | null;
  decidedAt: string;
  detail: Record<string, unknown>;
  signature: { keyId: string; value: string; signedMessage: string } | null;
  verified: boolean;
  problem?: string;
};

/**
 * A request's decisions with each signature checked afresh: by a key registered to the person
 * who acted (revocation later does not undo a signature made before it), over a message that
 * names this request.
 */
export async function listVerifiedDecisions(
  db: Database,
  requestNumber: string,
): Promise<TVerifiedDecision[]> {
  const rows = await db
    .select()
    .from(requestDecisions)
    .where(eq(requestDecisions.requestNumber, requestNumber))
    .orderBy(asc(requestDecisions.decidedAt));
  const keys = await findSigningKeys(
    db,
    rows.flatMap((r) => (r.signatureKeyId ? [r.signatureKeyId] : [])),
  );
  return rows.map((r) => {
    const base = {
      action: r.action,
      actor: r.actorSubject,
      role: r.actorRole,
      officeId: r.actorOfficeId,
      decidedAt: r.decidedAt.toISOString(),
      detail: r.detail,
    };
    if (!r.signatureKeyId || !r.signature || !r.signedMessage)
      return { ...base, signature: null, verified: false, problem: 'not signed' };
    const signature = { keyId: r.signatureKeyId, value: r.signature, signedMessage: r.signedMessage };
    const key = keys.get(r.signatureKeyId);
    const check = (): string | undefined => {
      if (!key) return 'the signing key is not registered';
      if (key.subject !== r.actorSubject) return 'the signing key belongs to someone else';
      if (key.revokedAt && key.revokedAt < r.decidedAt) return 'the key was revoked before this decision';
      let named: unknown;
      try {
        named = (JSON.parse(r.signedMessage!) as { requestNumber?: unknown }).requestNumber;
      } catch {
        return 'the signed message is not readable';
      }
      if (named !== requestNumber) return 'the signed message is for another request';
      if (!verifyEd25519(publicKeyFromBase64url(key.publicKey), r.signedMessage!, r.signature!))
        return 'the signature does not verify';
      return undefined;
    };
    const problem = check();
    return { ...base, signature, verified: !problem, ...(problem ? { problem } : {}) };
  });
}
