import type { Server } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';
import { freePort } from '../../scripts/lib/ports';

/** A person the identity provider knows: their `sub` and the extra claims it asserts about them. */
export type TIdpAccount = { sub: string; name: string; claims?: Record<string, string> };

/**
 * A real OpenID Connect provider for a test: panva's `oidc-provider` (certified), on a free port
 * of 127.0.0.1, with its development login and consent pages (any password), RS256 keys made
 * for this run, one public client that must use PKCE (S256), and the given accounts. Their claims
 * (role, office, …) come with the `staff` scope, at userinfo (OIDC's default for the code flow).
 */
export async function startIdentityProvider(options: {
  clientId: string;
  redirectUri: string;
  postLogoutRedirectUri?: string;
  accounts: TIdpAccount[];
}) {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: `test-${port}` };
  const accounts = new Map(options.accounts.map((a) => [a.sub, a]));
  const claimNames = [...new Set(options.accounts.flatMap((a) => Object.keys(a.claims ?? {})))];
  const configuration: Configuration = {
    clients: [
      {
        client_id: options.clientId,
        token_endpoint_auth_method: 'none',
        redirect_uris: [options.redirectUri],
        post_logout_redirect_uris: options.postLogoutRedirectUri ? [options.postLogoutRedirectUri] : [],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: [`cookie-key-${port}-${Math.random()}`] },
    claims: { openid: ['sub'], profile: ['name'], staff: claimNames },
    scopes: ['openid', 'profile', 'staff'],
    pkce: { required: () => true },
    // Lifetimes set (seconds), so the provider does not print a notice for each default it uses.
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    async findAccount(_ctx, sub) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        async claims() {
          return { sub, name: account.name, ...account.claims };
        },
      };
    },
  };
  const provider = new Provider(issuer, configuration);
  const server: Server = await new Promise((resolve) => {
    const s = provider.listen(port, '127.0.0.1', () => resolve(s));
  });
  return {
    issuer,
    provider,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
