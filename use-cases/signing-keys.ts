import {
  findSigningKey,
  listSigningKeys,
  registerSigningKey,
  revokeSigningKey,
  type TSigningKey,
} from '../db/signing-keys';
import { DomainProblem, FailureType } from '../domain/failures';
import { STAFF_ROLES, type TPrincipal } from '../domain/roles';
import { keyIdOf, publicKeyFromBase64url } from '../lib/ed25519';
import { assertRole } from './access';
import { clockOf, type UseCaseDeps } from './deps';

/** Staff sign decisions with keys of their own; every staff role may hold one. */
export const SIGNING_KEY_ROLES = STAFF_ROLES;

type TDeps = Pick<UseCaseDeps, 'db' | 'config' | 'now'>;

/**
 * Registers an Ed25519 public key (raw 32 bytes, base64url) for signing decisions: admins for
 * anyone, staff for themselves when self-enrolment is on. The same key again answers the
 * registered one (`created: false`); a key of someone else's, or a revoked one, is refused.
 */
export async function enrolSigningKey(
  deps: TDeps,
  principal: TPrincipal,
  input: { publicKey: string; subject?: string; label?: string | null },
): Promise<{ key: TSigningKey; created: boolean }> {
  assertRole(principal, SIGNING_KEY_ROLES);
  const subject = input.subject ?? principal.subject;
  if (principal.role !== 'admin') {
    if (subject !== principal.subject)
      throw new DomainProblem(FailureType.Forbidden, 'only admins register keys for others');
    if (!deps.config.decisions.selfEnrolment)
      throw new DomainProblem(
        FailureType.Forbidden,
        'keys are registered by an admin here (self-enrolment is off)',
      );
  }
  try {
    publicKeyFromBase64url(input.publicKey);
  } catch (error) {
    throw new DomainProblem(FailureType.InvalidInput, 'invalid public key', {
      errors: [{ field: 'publicKey', message: (error as Error).message }],
    });
  }
  const keyId = await keyIdOf(input.publicKey);
  const existing = await findSigningKey(deps.db, keyId);
  if (existing && existing.subject !== subject)
    throw new DomainProblem(
      FailureType.Conflict,
      'this key is registered to someone else; generate your own',
    );
  if (existing?.revokedAt)
    throw new DomainProblem(FailureType.Conflict, 'this key was revoked; generate a new one');
  return registerSigningKey(deps.db, {
    keyId,
    subject,
    publicKey: input.publicKey,
    label: input.label ?? null,
    registeredBy: principal.subject,
  });
}

/** Revokes a key: one's own, or anyone's for an admin. It signs nothing new; what it signed stays verifiable. */
export async function revokeSigningKeyOf(
  deps: TDeps,
  principal: TPrincipal,
  keyId: string,
): Promise<TSigningKey> {
  assertRole(principal, SIGNING_KEY_ROLES);
  const key = await findSigningKey(deps.db, keyId);
  if (!key) throw new DomainProblem(FailureType.NotFound, `no key ${keyId}`);
  if (key.subject !== principal.subject && principal.role !== 'admin')
    throw new DomainProblem(FailureType.Forbidden, 'you may revoke only your own keys');
  return key.revokedAt ? key : (await revokeSigningKey(deps.db, keyId, clockOf(deps)()))!;
}

/** The caller's keys (admins and ops: anyone's), newest first. */
export async function signingKeysOf(deps: TDeps, principal: TPrincipal, requested?: string) {
  assertRole(principal, SIGNING_KEY_ROLES);
  const privileged = principal.role === 'admin' || principal.role === 'ops';
  if (requested && requested !== principal.subject && !privileged)
    throw new DomainProblem(FailureType.Forbidden, 'you may list only your own keys');
  return listSigningKeys(deps.db, privileged ? requested : principal.subject);
}
