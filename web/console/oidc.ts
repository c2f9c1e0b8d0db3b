import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import * as oidc from 'openid-client';
import type { AppDeps } from '../../api/types';
import { consoleOidcAttempts } from '../../db/schema';
import { activeStaffMember } from '../../db/staff';
import type { TPrincipal } from '../../domain/roles';
import { ZStaffRole } from '../../domain/staff';
import { principalOfClaims, TokenError } from '../../lib/auth-tokens';

/** How long a browser may take at the identity provider (login, consent) before the attempt is void. */
export const OIDC_ATTEMPT_TTL_MS = 10 * 60_000;

/** Why a callback did not sign anyone in; each has its words on the sign-in page and its status. */
export const OIDC_REFUSALS = {
  /** no attempt for this browser: expired, already used (a replayed callback), or never started here */
  expired: 400,
  /** the state that came back is not the one sent */
  state: 400,
  /** the identity provider answered with an error (the person cancelled, consent refused, …) */
  'idp-error': 401,
  /** the code exchange or the ID token failed: signature, issuer, audience, nonce, expiry, PKCE */
  token: 401,
  /** a valid ID token for someone who is not an active member of the staff directory */
  'unknown-staff': 403,
  /** the role or office claims are there but do not make a staff principal */
  claims: 403,
  /** the identity provider could not be reached */
  unreachable: 503,
} as const;
export type TOidcRefusal = keyof typeof OIDC_REFUSALS;

export type TOidcOutcome =
  | { ok: true; principal: TPrincipal & { kind: 'staff' } }
  | { ok: false; refusal: TOidcRefusal; error?: string };

const sha256 = (v: string) => createHash('sha256').update(v).digest('base64url');
const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

type Deps = Pick<AppDeps, 'config' | 'db' | 'logger'>;
export type TOidcSignIn = NonNullable<ReturnType<typeof createOidcSignIn>>;

/**
 * The console's relying party (openid-client): authorization code with PKCE (S256), state and
 * nonce kept server-side against a random binding the browser holds in a short-lived cookie. The
 * identity provider is found by discovery (`<issuer>/.well-known/openid-configuration`) on first
 * use; a failed discovery is tried again next time. Undefined when OIDC is not configured.
 */
export function createOidcSignIn(deps: Deps, now: () => Date) {
  const settings = deps.config.oidc;
  if (!settings) return undefined;
  let discovered: Promise<oidc.Configuration> | undefined;
  const configuration = () => {
    discovered ??= oidc
      .discovery(
        new URL(settings.issuer),
        settings.clientId,
        settings.clientSecret,
        settings.clientSecret ? undefined : oidc.None(),
        {
          execute:
            settings.allowHttp && settings.issuer.startsWith('http:') ? [oidc.allowInsecureRequests] : [],
          timeout: 10,
        },
      )
      .catch((error: unknown) => {
        discovered = undefined;
        throw error;
      });
    return discovered;
  };

  /** The identity provider is unreachable or misconfigured: logged, and the page says so. */
  const unreachable = (error: unknown): TOidcOutcome => {
    deps.logger.warn({ err: error, issuer: settings.issuer }, 'the identity provider could not be reached');
    return { ok: false, refusal: 'unreachable' };
  };

  return {
    /** Where the browser goes to sign in, and the binding its cookie keeps until it comes back. */
    async start(): Promise<{ ok: true; url: URL; binding: string } | { ok: false; refusal: 'unreachable' }> {
      let config: oidc.Configuration;
      try {
        config = await configuration();
      } catch (error) {
        unreachable(error);
        return { ok: false, refusal: 'unreachable' };
      }
      const at = now();
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const binding = randomBytes(32).toString('base64url');
      await deps.db.delete(consoleOidcAttempts).where(lt(consoleOidcAttempts.expiresAt, at));
      await deps.db.insert(consoleOidcAttempts).values({
        bindingHash: sha256(binding),
        state,
        nonce,
        codeVerifier,
        expiresAt: new Date(at.getTime() + OIDC_ATTEMPT_TTL_MS),
        createdAt: at,
      });
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: settings.redirectUri,
        scope: settings.scopes,
        response_type: 'code',
        state,
        nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
      });
      return { ok: true, url, binding };
    },

    /**
     * The identity provider's answer at the redirect URI. The attempt is taken once (a replay finds
     * nothing), the state compared, the code exchanged with the PKCE verifier, and the ID token
     * checked by openid-client (signature through the provider's JWKS, issuer, audience, nonce,
     * expiry). The person must be an active member of the staff directory; role and office are the
     * token's when it carries the claims (the API's rule for bearer tokens, `principalOfClaims`),
     * else the directory's.
     */
    async callback(binding: string | undefined, currentUrl: URL): Promise<TOidcOutcome> {
      const at = now();
      const [attempt] = binding
        ? await deps.db
            .delete(consoleOidcAttempts)
            .where(
              and(
                eq(consoleOidcAttempts.bindingHash, sha256(binding)),
                gt(consoleOidcAttempts.expiresAt, at),
              ),
            )
            .returning()
        : [];
      if (!attempt) return { ok: false, refusal: 'expired' };
      const params = currentUrl.searchParams;
      if (!same(params.get('state') ?? '', attempt.state)) return { ok: false, refusal: 'state' };
      const idpError = params.get('error');
      if (idpError !== null)
        return {
          ok: false,
          refusal: 'idp-error',
          error: /^[\w.-]{1,64}$/.test(idpError) ? idpError : 'error',
        };
      let config: oidc.Configuration;
      try {
        config = await configuration();
      } catch (error) {
        return unreachable(error);
      }
      let claims: Record<string, unknown>;
      try {
        const tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
          pkceCodeVerifier: attempt.codeVerifier,
          expectedState: attempt.state,
          expectedNonce: attempt.nonce,
          idTokenExpected: true,
        });
        const idToken = tokens.claims()!;
        claims = { ...idToken };
        // Providers that keep extra claims out of the ID token (OIDC's default for the code flow)
        // give them at userinfo, for the same subject.
        if (claims[settings.claims.role] === undefined && config.serverMetadata().userinfo_endpoint)
          claims = { ...(await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub)), ...idToken };
      } catch (error) {
        if (error instanceof TypeError || (error as { code?: string }).code === 'OAUTH_TIMEOUT')
          return unreachable(error);
        deps.logger.warn(
          {
            err: { name: (error as Error).name, message: (error as Error).message },
            issuer: settings.issuer,
          },
          'OpenID Connect sign-in refused',
        );
        return { ok: false, refusal: 'token' };
      }
      const subject = typeof claims.sub === 'string' ? claims.sub : '';
      const member = subject ? await activeStaffMember(deps.db, subject) : undefined;
      if (!member) return { ok: false, refusal: 'unknown-staff' };
      if (claims[settings.claims.role] !== undefined || claims[settings.claims.office] !== undefined) {
        try {
          const principal = principalOfClaims(claims, settings.claims);
          if (principal.kind !== 'staff') return { ok: false, refusal: 'claims' };
          return { ok: true, principal };
        } catch (error) {
          if (!(error instanceof TokenError)) throw error;
          return { ok: false, refusal: 'claims' };
        }
      }
      const role = ZStaffRole.safeParse(member.role);
      if (!role.success) return { ok: false, refusal: 'claims' };
      return {
        ok: true,
        principal: { kind: 'staff', subject: member.subject, role: role.data, officeId: member.officeId },
      };
    },

    /** The identity provider's own sign-out, when it has one (RP-initiated logout). */
    async endSessionUrl(): Promise<string | undefined> {
      try {
        const config = await configuration();
        if (!config.serverMetadata().end_session_endpoint) return undefined;
        return oidc
          .buildEndSessionUrl(config, {
            client_id: settings.clientId,
            ...(settings.postLogoutRedirectUri
              ? { post_logout_redirect_uri: settings.postLogoutRedirectUri }
              : {}),
          })
          .toString();
      } catch {
        return undefined;
      }
    },
  };
}
