import { jwtVerify, SignJWT } from 'jose';
import type { Config } from '../config';

const AUDIENCE = 'seva-feedback';

export type FeedbackLinks = {
  create: (input: { requestNumber: string; consumerNumber: string; ttlSeconds: number }) => Promise<string>;
  verify: (token: string) => Promise<{ requestNumber: string; consumerNumber: string } | undefined>;
};

/**
 * Feedback links: the Request Number and consumer number, signed and expiring, so the consumer
 * can answer without logging in and nobody can answer for someone else's request.
 */
export function createFeedbackLinks(config: Pick<Config, 'auth' | 'http'>): FeedbackLinks {
  const key = new TextEncoder().encode(`${config.auth.jwtSecret}:feedback`);
  return {
    async create({ requestNumber, consumerNumber, ttlSeconds }) {
      const token = await new SignJWT({ rn: requestNumber, cn: consumerNumber })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(config.auth.issuer)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
        .sign(key);
      return `${config.http.publicUrl}/v1/feedback/${token}`;
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, {
          issuer: config.auth.issuer,
          audience: AUDIENCE,
          algorithms: ['HS256'],
        });
        if (typeof payload.rn !== 'string' || typeof payload.cn !== 'string') return undefined;
        return { requestNumber: payload.rn, consumerNumber: payload.cn };
      } catch {
        return undefined;
      }
    },
  };
}
