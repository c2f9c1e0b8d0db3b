import { ZConsumerNumber } from '../domain/consumer';
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { Config } from '../config';
import type { TPrincipal } from '../domain/roles';
import { ZRole } from '../domain/roles-schema';

type AuthConfig = Config['auth'];

const ZClaims = z.discriminatedUnion('role', [
  z.object({
    sub: z.string().min(1),
    role: z.literal('consumer'),
    consumers: z.array(ZConsumerNumber).min(1),
  }),
  z.object({
    sub: z.string().min(1),
    role: ZRole.exclude(['consumer']),
    office: z.string().min(1),
  }),
]);

export class TokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenError';
  }
}

export type TokenVerifier = (token: string) => Promise<TPrincipal>;

/** Verifies bearer tokens: HS256 with the configured secret, or RS/ES keys from a JWKS URL. */
export function createTokenVerifier(config: AuthConfig): TokenVerifier {
  const secret = new TextEncoder().encode(config.jwtSecret);
  const jwks: JWTVerifyGetKey | undefined = config.jwksUrl
    ? createRemoteJWKSet(new URL(config.jwksUrl))
    : undefined;
  return async (token) => {
    let payload: JWTPayload;
    try {
      const options = { issuer: config.issuer, audience: config.audience };
      payload = jwks
        ? (await jwtVerify(token, jwks, { ...options, algorithms: ['RS256', 'ES256', 'EdDSA'] })).payload
        : (await jwtVerify(token, secret, { ...options, algorithms: ['HS256'] })).payload;
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new TokenError(code === 'ERR_JWT_EXPIRED' ? 'token expired' : 'token invalid');
    }
    return principalOfClaims(payload);
  };
}

/** Which claims of a verified token carry the role and the office (the console's OIDC sign-in may rename them). */
export type TClaimNames = { role: string; office: string };
export const STANDARD_CLAIMS: TClaimNames = { role: 'role', office: 'office' };

/**
 * The one rule from a verified token's claims to a principal: `sub`, a role, and an office for
 * staff or the consumer numbers for a consumer. Bearer tokens of the API and the console's
 * OpenID Connect sign-in both go through here.
 */
export function principalOfClaims(payload: JWTPayload, names: TClaimNames = STANDARD_CLAIMS): TPrincipal {
  const claims = ZClaims.safeParse({
    ...payload,
    role: payload[names.role],
    office: payload[names.office],
  });
  if (!claims.success) throw new TokenError('token lacks a valid role, office or consumers claim');
  const c = claims.data;
  return c.role === 'consumer'
    ? { kind: 'consumer', subject: c.sub, role: 'consumer', consumerNumbers: c.consumers }
    : { kind: 'staff', subject: c.sub, role: c.role, officeId: c.office };
}

export type TTokenRequest =
  | { role: 'consumer'; subject?: string; consumers: string[]; expiresIn?: string }
  | { role: Exclude<TPrincipal['role'], 'consumer'>; subject?: string; office: string; expiresIn?: string };

/** Signs a dev token with the configured HS256 secret (used by `npm run token` and tests). */
export async function signDevToken(config: AuthConfig, request: TTokenRequest): Promise<string> {
  const claims =
    request.role === 'consumer'
      ? { role: request.role, consumers: request.consumers }
      : { role: request.role, office: request.office };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(request.subject ?? `dev-${request.role}`)
    .setIssuer(config.issuer)
    .setAudience(config.audience)
    .setIssuedAt()
    .setExpirationTime(request.expiresIn ?? '12h')
    .sign(new TextEncoder().encode(config.jwtSecret));
}
