import { z } from 'zod';
import {
  DEFAULT_PROFILE_ID,
  installUtilityProfile,
  PROFILE_IDS,
  utilityProfile,
} from '../domain/utility-profile';

/**
 * The only module that reads the environment. Everything else receives a parsed `Config`.
 * Each entry here is documented in the README's config table; keep the two in step.
 */

// Dev-only secrets: fine on a laptop, refused when NODE_ENV=production.
export const DEV_JWT_SECRET = 'seva-dev-signing-key-change-me-0123456789abcdef';
export const DEV_PAYLOAD_KEYS = 'dev-2026:Q2hhbmdlTWVJblByb2R1Y3Rpb24tU2V2YURldktleTE=';
export const DEV_RECEIPT_PASSPHRASE = 'seva-dev-receipts';
// Standard Webhooks secret (whsec_ + base64) for delivery receipts in development.
export const DEV_WEBHOOK_SECRET = 'whsec_c2V2YS1kZXYtZGVsaXZlcnktcmVjZWlwdHMtc2VjcmV0';
// Standard Webhooks secret for inbound SMS, IVR and e-mail gateways in development.
export const DEV_CHANNEL_WEBHOOK_SECRET = 'whsec_c2V2YS1kZXYtaW5ib3VuZC1jaGFubmVscy1zZWNyZXQ=';
// Meta app secret (X-Hub-Signature-256) and verify token for the WhatsApp webhook in development.
export const DEV_WHATSAPP_APP_SECRET = 'seva-dev-whatsapp-app-secret';
export const DEV_WHATSAPP_VERIFY_TOKEN = 'seva-dev-whatsapp-verify';
// Zalo Official Account (app id + OA secret key) and Messenger (app secret + verify token) in development.
export const DEV_ZALO_APP_ID = '1234567890123456789';
export const DEV_ZALO_OA_SECRET_KEY = 'seva-dev-zalo-oa-secret-key';
export const DEV_MESSENGER_APP_SECRET = 'seva-dev-messenger-app-secret';
export const DEV_MESSENGER_VERIFY_TOKEN = 'seva-dev-messenger-verify';
/**
 * The webhooks a deployment answers on: `CHANNELS_ENABLED`, else the inbound ones of the utility
 * profile's channels (KSEB: SMS, WhatsApp, IVR, e-mail; EVN adds Zalo and Messenger).
 */
const enabledChannels = (env: {
  CHANNELS_ENABLED?: TInboundChannel[];
  UTILITY_PROFILE: (typeof PROFILE_IDS)[number];
}): TInboundChannel[] =>
  env.CHANNELS_ENABLED ??
  INBOUND_CHANNELS.filter((c) => utilityProfile(env.UTILITY_PROFILE).channels.includes(c));

/** The consumer channels' inbound webhooks; `CHANNELS_ENABLED` picks those a deployment answers on. */
export const INBOUND_CHANNELS = ['sms', 'whatsapp', 'ivr', 'email', 'zalo', 'messenger'] as const;
export type TInboundChannel = (typeof INBOUND_CHANNELS)[number];

const CHANNELS = ['sms', 'whatsapp', 'email', 'voice', 'post'] as const;
/** the channels whose providers take a number of messages per second (NOTICE_RATE_LIMITS); post is the print queue */
export const RATE_LIMITED_CHANNELS = ['sms', 'whatsapp', 'voice', 'email'] as const;
export type TRateLimitedChannel = (typeof RATE_LIMITED_CHANNELS)[number];
/** what the development sandbox stands in for: the notice channels and the chat platforms' replies */
const SANDBOX_CHANNELS = [...CHANNELS, 'zalo', 'messenger'] as const;
/** How the development sandbox answers: delivered at once, refused (next channel), failing (retried, then next), or sent with no receipt ever. */
export const SANDBOX_MODES = ['deliver', 'refuse', 'fail', 'silent'] as const;
export type TSandboxMode = (typeof SANDBOX_MODES)[number];

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce.number().int().min(0).max(65535);

const payloadKeys = z
  .string()
  .min(1)
  .transform((raw, ctx) => {
    const keys = new Map<string, Buffer>();
    for (const entry of raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const sep = entry.indexOf(':');
      const id = entry.slice(0, sep);
      const key = Buffer.from(entry.slice(sep + 1), 'base64');
      if (sep <= 0 || !/^[A-Za-z0-9._-]{1,64}$/.test(id)) {
        ctx.addIssue({
          code: 'custom',
          message: `entry "${entry.slice(0, 12)}…" must look like <keyId>:<base64 key>`,
        });
        return z.NEVER;
      }
      if (key.length !== 32) {
        ctx.addIssue({
          code: 'custom',
          message: `key "${id}" must be 32 bytes (base64 of 32 random bytes), got ${key.length}`,
        });
        return z.NEVER;
      }
      keys.set(id, key);
    }
    if (keys.size === 0) {
      ctx.addIssue({ code: 'custom', message: 'at least one <keyId>:<base64 key> entry is required' });
      return z.NEVER;
    }
    return keys;
  });

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOG_PRETTY: booleanFlag.optional(),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: port.default(3000),
    /**
     * Several API processes on one host listen on the same PORT (SO_REUSEPORT: the kernel spreads
     * the connections among them); each runs its own relay on the shared workflow inbox.
     */
    HTTP_REUSE_PORT: booleanFlag.default(false),
    // Without a trailing slash, so that `${publicUrl}/v1/…` never doubles it.
    PUBLIC_URL: z
      .url()
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
    /** default: `.data`, and `.data/profiles/<id>` for a profile other than kseb (its own databases) */
    DATA_DIR: z.string().min(1).optional(),

    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    EMBEDDED_POSTGRES_PORT: port.default(54329),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),

    TEMPORAL_ADDRESS: z
      .string()
      .regex(/^[^\s:]+:\d+$/, 'must be host:port, e.g. 127.0.0.1:7233')
      .optional(),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('seva'),
    TEMPORAL_TLS: booleanFlag.default(false),
    TEMPORAL_TLS_CERT_PATH: z.string().optional(),
    TEMPORAL_TLS_KEY_PATH: z.string().optional(),
    TEMPORAL_TLS_CA_PATH: z.string().optional(),
    TEMPORAL_TLS_SERVER_NAME: z.string().optional(),
    TEMPORAL_API_KEY: z.string().optional(),
    TEMPORAL_CLI: z.string().optional(),
    TEMPORAL_DEV_PORT: port.default(7233),
    TEMPORAL_UI_PORT: port.default(8233),
    /** default: the embedded UI's own origin on TEMPORAL_UI_PORT */
    TEMPORAL_UI_ORIGINS: z.string().optional(),
    /**
     * development: the per-start secret of the UI's codec path route, handed to the API process by
     * `npm start` / `npm run stack:production` (never set it by hand; ignored in production)
     */
    TEMPORAL_UI_CODEC_SECRET: z.string().min(32).optional(),

    /** the worker process (`npm run worker`) */
    WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(500),
    /**
     * The worker's V8 young generation, MB per semi-space (node --max-semi-space-size). Node 24
     * lets it grow to 64 MB in the main isolate and in each workflow thread; 16 MB takes the idle
     * worker from about 417 to 300 MB and a cached workflow from 0.73 to 0.54 MB
     * (`npm run bench -- --scenario open-requests`).
     */
    WORKER_SEMI_SPACE_MB: z.coerce.number().int().min(1).max(256).default(16),
    /**
     * glibc's MALLOC_ARENA_MAX for the worker processes the supervisors start (and `npm run
     * worker`'s default): the SDK's Rust threads and the workflow threads each take a malloc arena,
     * and the arenas fragment as cached workflows are evicted and replaced — with glibc's own limit
     * (8 a core) a worker holding 500 cached workflows after 2,000 had passed through its cache
     * grew to 942 MB, with 2 it stayed at 611 MB (`npm run bench -- --scenario open-requests
     * --n 2000 --fire-all`). 0: glibc's own.
     */
    WORKER_MALLOC_ARENA_MAX: z.coerce.number().int().min(0).max(1024).default(2),
    /**
     * The worker's CPU priority (nice, 0–19; 0 leaves it as it is): on a machine shared with the
     * API the door answers first and the workflows take what is left (`npm run bench`); on a
     * machine of its own it changes nothing.
     */
    WORKER_NICE: z.coerce.number().int().min(0).max(19).default(10),
    WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).max(10_000).default(100),
    WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(2).max(10_000).default(40),
    /** a prebuilt workflow bundle (supervisors bundle once for all their workers); default: bundle at start */
    WORKER_WORKFLOW_BUNDLE: z.string().min(1).optional(),
    /** how many worker processes `npm start` runs (`npm run stack:production` runs STACK_WORKERS) */
    WORKERS: z.coerce.number().int().min(1).max(32).default(1),
    /** the API applies migrations (under an advisory lock), the catalogue and demo data at start */
    MIGRATE_ON_START: booleanFlag.default(true),

    /** `npm run stack:production`: Temporal server on PostgreSQL, its UI server, workers and an API */
    STACK_WORKERS: z.coerce.number().int().min(1).max(32).default(2),
    // Temporal keeps its services' ports (frontend + 1 … + 10) in a SMALLINT column of its cluster
    // membership table: the frontend must leave room below 32768, and 300 below it for membership.
    STACK_TEMPORAL_PORT: z.coerce
      .number()
      .int()
      .min(1024, 'from 1024')
      .max(32_757, 'at most 32757: Temporal stores its ports (up to +10) as SMALLINT')
      .default(7233),
    STACK_TEMPORAL_HISTORY_SHARDS: z.coerce.number().int().min(1).max(16_384).default(4),
    STACK_TEMPORAL_DB_MAX_CONNS: z.coerce.number().int().min(2).max(1000).default(20),
    STACK_TEMPORAL_VISIBILITY_DB_MAX_CONNS: z.coerce.number().int().min(2).max(1000).default(10),
    STACK_TEMPORAL_DB: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/)
      .default('temporal'),
    STACK_TEMPORAL_VISIBILITY_DB: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/)
      .default('temporal_visibility'),
    STACK_NAMESPACE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),

    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_JWT_SECRET),
    JWT_JWKS_URL: z.url().optional(),
    JWT_ISSUER: z.string().min(1).default('seva'),
    JWT_AUDIENCE: z.string().min(1).default('seva-api'),

    /** staff sign-in to the console with OpenID Connect (authorization code + PKCE); required in production */
    OIDC_ISSUER_URL: z.url().optional(),
    OIDC_CLIENT_ID: z.string().min(1).optional(),
    /** absent: a public client (PKCE alone) */
    OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    /** default: PUBLIC_URL/console/sign-in/oidc/callback (register it at the identity provider) */
    OIDC_REDIRECT_URI: z.url().optional(),
    OIDC_SCOPES: z
      .string()
      .default('openid profile email')
      .refine((s) => s.split(/\s+/).includes('openid'), 'must include openid'),
    /** the ID token (or userinfo) claims that carry the staff role and office, as bearer tokens do */
    OIDC_ROLE_CLAIM: z.string().min(1).default('role'),
    OIDC_OFFICE_CLAIM: z.string().min(1).default('office'),
    /** where the identity provider sends the browser after its sign-out (register it there too) */
    OIDC_POST_LOGOUT_REDIRECT_URI: z.url().optional(),

    PAYLOAD_KEYS: payloadKeys.prefault(DEV_PAYLOAD_KEYS),
    PAYLOAD_KEY_ID: z.string().optional(),

    BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
    UPLOAD_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(16 * 1_048_576),
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
    WEBHOOK_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(60_000),
    /** proxies whose X-Forwarded-For is believed: addresses or CIDR ranges, comma-separated */
    TRUSTED_PROXIES: z
      .string()
      .default('')
      .transform((s) =>
        s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()], 'an IP address or CIDR range'))),

    /** which utility this deployment serves: profiles/<id>.json (zone, currency, formats, numbers, documents, calendar) */
    UTILITY_PROFILE: z.enum(PROFILE_IDS).default(DEFAULT_PROFILE_ID),
    /** default: the profile's name */
    UTILITY_NAME: z.string().trim().min(2).max(120).optional(),
    RECEIPT_SIGNING_P12_PATH: z.string().min(1).optional(),
    RECEIPT_SIGNING_P12_PASSPHRASE: z.string().min(1).default(DEV_RECEIPT_PASSPHRASE),
    RECEIPT_TRUST_ANCHORS_PATH: z.string().min(1).optional(),
    /** Noto fonts for receipts and letters in the consumer's script (Debian: fonts-noto-core) */
    PDF_FONT_DIR: z.string().min(1).default('/usr/share/fonts/truetype/noto'),
    EKYC_TRUST_ANCHORS_PATH: z.string().min(1).optional(),
    SIGNING_KEY_SELF_ENROLMENT: booleanFlag.optional(),
    DECISION_SIGNATURE_MAX_SKEW_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),

    RESEND_API_KEY: z.string().min(1).optional(),
    RESEND_BASE_URL: z.url().optional(),
    EMAIL_FROM: z.string().min(3).default('Seva <notices@seva.example>'),
    MESSAGING_URL: z.url().optional(),
    /** development: how the sandbox answers per channel, e.g. `sms=refuse,whatsapp=silent,email=fail` */
    SANDBOX_CHANNELS: z
      .string()
      .default('')
      .transform((v, ctx) => {
        const modes: Partial<Record<(typeof SANDBOX_CHANNELS)[number], TSandboxMode>> = {};
        for (const pair of v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)) {
          const [channel, mode] = pair.split('=').map((s) => s.trim()) as [string, string | undefined];
          if (
            !(SANDBOX_CHANNELS as readonly string[]).includes(channel) ||
            !SANDBOX_MODES.includes(mode as TSandboxMode)
          ) {
            ctx.addIssue({
              code: 'custom',
              message: `"${pair}": write channel=mode, channels ${SANDBOX_CHANNELS.join('/')}, modes ${SANDBOX_MODES.join('/')}`,
            });
            return z.NEVER;
          }
          modes[channel as (typeof SANDBOX_CHANNELS)[number]] = mode as TSandboxMode;
        }
        return modes;
      }),
    MESSAGING_AUTH_HEADER: z.string().optional(),
    MESSAGING_PAYLOAD_TEMPLATE: z
      .string()
      .default('{"channel":"{{channel}}","to":"{{to}}","text":"{{text}}","reference":"{{reference}}"}'),
    MESSAGING_ID_FIELD: z.string().min(1).default('id'),
    DELIVERY_WEBHOOK_SECRET: z
      .string()
      .regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'whsec_<base64>')
      .default(DEV_WEBHOOK_SECRET),
    EMERGENCY_REALERT_EVERY: z
      .string()
      .regex(/^\d+(\.\d+)?(s|m|h)$/, 'a duration like "10m"')
      .default('10m'),
    /** how long the intake waits for Temporal before answering 503 (Retry-After); the retry is safe */
    INTAKE_DEADLINE_MS: z.coerce.number().int().min(200).max(30_000).default(4_000),
    /**
     * A service request sent again without an Idempotency-Key — the same caller, the same body —
     * within this window is taken for a retry and answered with the first one's number.
     */
    INTAKE_REPEAT_WINDOW_MS: z.coerce.number().int().min(0).max(86_400_000).default(600_000),
    /**
     * The workflow inbox's relay (lib/workflow-relay.ts): how long a row stays leased to the process
     * that wrote or claimed it (past it another API's relay takes it), how often due rows are
     * claimed, how many starts run at once and how many rows one claim takes.
     */
    INTAKE_RELAY_LEASE_MS: z.coerce.number().int().min(200).max(600_000).default(15_000),
    INTAKE_RELAY_POLL_MS: z.coerce.number().int().min(20).max(60_000).default(1_000),
    INTAKE_RELAY_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
    INTAKE_RELAY_BATCH: z.coerce.number().int().min(1).max(5_000).default(200),
    /**
     * A start the door hands the relay while it is answering other requests waits until the door
     * is idle, or this long (0: starts at once): during a burst the answers get the CPU first.
     */
    INTAKE_RELAY_YIELD_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
    /** postings per activity call when a bulk payment is posted */
    BULK_PAYMENT_BATCH_SIZE: z.coerce.number().int().min(1).max(5_000).default(500),
    /** outage campaigns: recipients claimed per dispatch activity, and sent at once within it */
    CAMPAIGN_BATCH_SIZE: z.coerce.number().int().min(1).max(5_000).default(2_000),
    CAMPAIGN_SEND_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(16),
    /** dispatch activities a campaign runs at once (they claim disjoint rows: FOR UPDATE SKIP LOCKED) */
    CAMPAIGN_DISPATCHERS: z.coerce.number().int().min(1).max(32).default(4),
    /** a claimed batch whose worker died is taken over after this long */
    CAMPAIGN_LEASE_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
    /** a call-list entry not worked (claimed and recorded) within this long is escalated to the supervisor */
    CAMPAIGN_CALL_WORK_WITHIN_MS: z.coerce.number().int().min(100).max(86_400_000).default(900_000),
    /** "not reached": the entry comes back to the list after this long… */
    CAMPAIGN_CALL_RETRY_MS: z.coerce.number().int().min(100).max(86_400_000).default(1_800_000),
    /** …this many calls in all, then the consumer is told on the automated channels */
    CAMPAIGN_CALL_TRIES: z.coerce.number().int().min(1).max(10).default(3),
    /** disconnection reminders: days before a bill's disconnection date a reminder goes, largest first */
    DISCONNECTION_REMINDER_OFFSETS: z
      .string()
      .default('7d,3d,1d')
      .transform((v, ctx) => {
        const days = v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .map((s) => (/^\d{1,2}d$/.test(s) ? Number(s.slice(0, -1)) : NaN));
        if (
          days.length === 0 ||
          days.length > 5 ||
          days.some((d) => !Number.isInteger(d) || d < 1 || d > 60)
        ) {
          ctx.addIssue({ code: 'custom', message: 'up to 5 day counts like "7d,3d,1d" (1d to 60d)' });
          return z.NEVER;
        }
        return [...new Set(days)].sort((a, b) => b - a);
      }),
    /** disconnection reminders: the daily run's local time (HH:MM in the profile's zone) */
    DISCONNECTION_REMINDER_AT: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, the profile’s local time')
      .default('10:00'),
    /** manual campaigns: the most consumers one may target (an uploaded list included) */
    MANUAL_CAMPAIGN_MAX_RECIPIENTS: z.coerce.number().int().min(1).max(1_000_000).default(200_000),
    /** planned outages: advance notices this long before the start, largest first (d, h, m, s) */
    PLANNED_OUTAGE_NOTICE_OFFSETS: z
      .string()
      .default('10d,3d,1d')
      .transform((v, ctx) => {
        const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
        const offsets = v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .map((s) => {
            const m = /^(\d+)(s|m|h|d)$/.exec(s);
            return m ? Number(m[1]) * unit[m[2] as keyof typeof unit] : NaN;
          });
        if (offsets.some((o) => !Number.isFinite(o) || o <= 0) || offsets.length > 5) {
          ctx.addIssue({ code: 'custom', message: 'up to 5 durations like "10d,3d,1d"' });
          return z.NEVER;
        }
        return [...new Set(offsets)].sort((a, b) => b - a);
      }),
    /** a channel message being handled is another delivery's to take over after this long (its handler died) */
    CHANNEL_CLAIM_LEASE_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
    CHANNEL_WEBHOOK_SECRET: z
      .string()
      .regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'whsec_<base64>')
      .default(DEV_CHANNEL_WEBHOOK_SECRET),
    WHATSAPP_APP_SECRET: z.string().min(16).default(DEV_WHATSAPP_APP_SECRET),
    WHATSAPP_VERIFY_TOKEN: z.string().min(8).default(DEV_WHATSAPP_VERIFY_TOKEN),
    CHANNEL_MESSAGE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    /** which inbound webhooks answer; the others are 404. Default: the utility profile's channels */
    CHANNELS_ENABLED: z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined) return undefined;
        const list = [
          ...new Set(
            v
              .split(',')
              .map((s) => s.trim().toLowerCase())
              .filter(Boolean),
          ),
        ];
        const bad = list.find((c) => !(INBOUND_CHANNELS as readonly string[]).includes(c));
        if (bad) {
          ctx.addIssue({
            code: 'custom',
            message: `unknown channel "${bad}"; channels: ${INBOUND_CHANNELS.join(', ')}`,
          });
          return z.NEVER;
        }
        return list as TInboundChannel[];
      }),
    /** Zalo Official Account: the app's id and the OA secret key that sign its webhook (X-ZEvent-Signature) */
    ZALO_APP_ID: z
      .string()
      .regex(/^\d{1,30}$/, 'the numeric app id of the Zalo app')
      .default(DEV_ZALO_APP_ID),
    ZALO_OA_SECRET_KEY: z.string().min(16).default(DEV_ZALO_OA_SECRET_KEY),
    /** the OA access token replies are sent with; unset outside production = the sandbox */
    ZALO_OA_ACCESS_TOKEN: z.string().min(1).optional(),
    ZALO_API_URL: z.url().default('https://openapi.zalo.me'),
    MESSENGER_APP_SECRET: z.string().min(16).default(DEV_MESSENGER_APP_SECRET),
    MESSENGER_VERIFY_TOKEN: z.string().min(8).default(DEV_MESSENGER_VERIFY_TOKEN),
    /** the Page access token replies are sent with (Send API); unset outside production = the sandbox */
    MESSENGER_PAGE_ACCESS_TOKEN: z.string().min(1).optional(),
    MESSENGER_API_URL: z.url().default('https://graph.facebook.com/v21.0'),
    /** default: the profile's notice chain */
    NOTICE_CHAIN: z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined) return undefined;
        const chain = v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const bad = chain.find((c) => !(CHANNELS as readonly string[]).includes(c));
        if (bad) {
          ctx.addIssue({
            code: 'custom',
            message: `unknown channel "${bad}"; channels: ${CHANNELS.join(', ')}`,
          });
          return z.NEVER;
        }
        return chain as (typeof CHANNELS)[number][];
      }),
    /**
     * Messages per second each channel's provider takes, e.g. `sms=200,whatsapp=80,voice=10,email=100`;
     * a channel left out (and post, the print queue) is not limited. Shared by every worker process.
     */
    NOTICE_RATE_LIMITS: z
      .string()
      .default('')
      .transform((v, ctx) => {
        const limits: Partial<Record<TRateLimitedChannel, number>> = {};
        for (const pair of v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)) {
          const [channel = '', rate, extra] = pair.split('=').map((s) => s.trim());
          const known = (RATE_LIMITED_CHANNELS as readonly string[]).includes(channel);
          const problem = !known
            ? `unknown channel "${channel}"; channels: ${RATE_LIMITED_CHANNELS.join(', ')}`
            : extra !== undefined ||
                !rate ||
                !/^\d+$/.test(rate) ||
                Number(rate) < 1 ||
                Number(rate) > 1_000_000
              ? `"${pair}": the rate must be a whole number of messages per second, 1 to 1000000`
              : channel in limits
                ? `${channel} is given twice`
                : undefined;
          if (problem) {
            ctx.addIssue({
              code: 'custom',
              message: `${problem} (write channel=messages per second, e.g. sms=200,whatsapp=80)`,
            });
            return z.NEVER;
          }
          limits[channel as TRateLimitedChannel] = Number(rate);
        }
        return limits;
      }),
    NOTICE_RECEIPT_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
    QUIET_HOURS: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM-HH:MM, the profile’s local time')
      .optional(),

    DEMO_DATA: booleanFlag.default(true),

    /**
     * The bearer token a Prometheus scraper sends to GET /metrics (and to a worker's Seva metrics).
     * Required in production; unset in development the endpoints answer loopback callers only.
     */
    METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
    /**
     * A worker's metrics, host:port: the Temporal SDK's own Prometheus endpoint listens here and
     * Seva's activity metrics on the next port. Unset: no metrics endpoints on the worker.
     * `npm start` / `npm run stack:production` give worker i (from 0) port + 2i and port + 2i + 1.
     */
    WORKER_METRICS_ADDRESS: z
      .string()
      .regex(/^[^\s:]+:\d{1,5}$/, { message: 'must be host:port, e.g. 127.0.0.1:9464', abort: true })
      .refine((a) => Number(a.split(':')[1]) < 65535, 'the port and the next one must be below 65536')
      .optional(),
    /** OpenTelemetry traces go here over OTLP (http/protobuf, `<endpoint>/v1/traces`); unset: no tracing at all */
    OTEL_EXPORTER_OTLP_ENDPOINT: z
      .url()
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
    /** headers for the OTLP endpoint, `key=value,key2=value2` (an API key, say) */
    OTEL_EXPORTER_OTLP_HEADERS: z
      .string()
      .default('')
      .transform((v, ctx) => {
        const headers: Record<string, string> = {};
        for (const pair of v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)) {
          const at = pair.indexOf('=');
          if (at <= 0) {
            ctx.addIssue({ code: 'custom', message: 'write key=value pairs, comma-separated' });
            return z.NEVER;
          }
          headers[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(
            pair.slice(at + 1).trim(),
          );
        }
        return headers;
      }),
  })
  .superRefine((env, ctx) => {
    const activeKeyId = env.PAYLOAD_KEY_ID ?? [...env.PAYLOAD_KEYS.keys()][0];
    if (activeKeyId && !env.PAYLOAD_KEYS.has(activeKeyId)) {
      ctx.addIssue({
        code: 'custom',
        path: ['PAYLOAD_KEY_ID'],
        message: `no key "${activeKeyId}" in PAYLOAD_KEYS`,
      });
    }
    if (Boolean(env.TEMPORAL_TLS_CERT_PATH) !== Boolean(env.TEMPORAL_TLS_KEY_PATH)) {
      ctx.addIssue({
        code: 'custom',
        path: ['TEMPORAL_TLS_KEY_PATH'],
        message: 'TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH go together',
      });
    }
    if (Boolean(env.OIDC_ISSUER_URL) !== Boolean(env.OIDC_CLIENT_ID)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.OIDC_ISSUER_URL ? 'OIDC_CLIENT_ID' : 'OIDC_ISSUER_URL'],
        message: 'OIDC_ISSUER_URL and OIDC_CLIENT_ID go together',
      });
    }
    if (env.NODE_ENV === 'production') {
      if (!env.METRICS_TOKEN)
        ctx.addIssue({
          code: 'custom',
          path: ['METRICS_TOKEN'],
          message: 'production guards GET /metrics with a bearer token: set METRICS_TOKEN',
        });
      // The console's demo picker does not exist in production: staff sign in at the identity provider.
      if (!env.OIDC_ISSUER_URL)
        ctx.addIssue({
          code: 'custom',
          path: ['OIDC_ISSUER_URL'],
          message: 'production signs staff in with OpenID Connect: set OIDC_ISSUER_URL and OIDC_CLIENT_ID',
        });
      for (const name of ['OIDC_ISSUER_URL', 'OIDC_REDIRECT_URI', 'OIDC_POST_LOGOUT_REDIRECT_URI'] as const)
        if (env[name]?.startsWith('http:'))
          ctx.addIssue({ code: 'custom', path: [name], message: 'must be https:// in production' });
      if (env.JWT_SECRET === DEV_JWT_SECRET && !env.JWT_JWKS_URL) {
        ctx.addIssue({
          code: 'custom',
          path: ['JWT_SECRET'],
          message: 'the dev signing key is refused in production; set JWT_SECRET or JWT_JWKS_URL',
        });
      }
      if (
        [...env.PAYLOAD_KEYS.values()].some((k) =>
          k.equals(Buffer.from(DEV_PAYLOAD_KEYS.split(':')[1]!, 'base64')),
        )
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['PAYLOAD_KEYS'],
          message: 'the dev payload key is refused in production',
        });
      }
      if (!env.MESSAGING_URL || !env.RESEND_API_KEY) {
        ctx.addIssue({
          code: 'custom',
          path: [env.MESSAGING_URL ? 'RESEND_API_KEY' : 'MESSAGING_URL'],
          message:
            'production sends real messages: set MESSAGING_URL and RESEND_API_KEY (the sandbox is for development)',
        });
      }
      if (env.DELIVERY_WEBHOOK_SECRET === DEV_WEBHOOK_SECRET) {
        ctx.addIssue({
          code: 'custom',
          path: ['DELIVERY_WEBHOOK_SECRET'],
          message: 'the dev webhook secret is refused in production',
        });
      }
      for (const [name, dev] of [
        ['CHANNEL_WEBHOOK_SECRET', DEV_CHANNEL_WEBHOOK_SECRET],
        ['WHATSAPP_APP_SECRET', DEV_WHATSAPP_APP_SECRET],
        ['WHATSAPP_VERIFY_TOKEN', DEV_WHATSAPP_VERIFY_TOKEN],
      ] as const) {
        if (env[name] === dev)
          ctx.addIssue({ code: 'custom', path: [name], message: `the dev ${name} is refused in production` });
      }
      // Zalo and Messenger: their own secrets and a token to reply with, or leave them out of CHANNELS_ENABLED.
      const chat = [
        [
          'zalo',
          [
            ['ZALO_APP_ID', DEV_ZALO_APP_ID],
            ['ZALO_OA_SECRET_KEY', DEV_ZALO_OA_SECRET_KEY],
          ],
          'ZALO_OA_ACCESS_TOKEN',
        ],
        [
          'messenger',
          [
            ['MESSENGER_APP_SECRET', DEV_MESSENGER_APP_SECRET],
            ['MESSENGER_VERIFY_TOKEN', DEV_MESSENGER_VERIFY_TOKEN],
          ],
          'MESSENGER_PAGE_ACCESS_TOKEN',
        ],
      ] as const;
      for (const [channel, secrets, token] of chat) {
        if (!enabledChannels(env).includes(channel)) continue;
        for (const [name, dev] of secrets)
          if (env[name] === dev)
            ctx.addIssue({
              code: 'custom',
              path: [name],
              message: `the dev ${name} is refused in production (or leave ${channel} out of CHANNELS_ENABLED)`,
            });
        if (!env[token])
          ctx.addIssue({
            code: 'custom',
            path: [token],
            message: `production replies on ${channel}: set ${token} (or leave ${channel} out of CHANNELS_ENABLED)`,
          });
      }
      if (env.RECEIPT_SIGNING_P12_PASSPHRASE === DEV_RECEIPT_PASSPHRASE) {
        ctx.addIssue({
          code: 'custom',
          path: ['RECEIPT_SIGNING_P12_PASSPHRASE'],
          message: 'the dev receipt passphrase is refused in production; bring the utility certificate',
        });
      }
    }
  });

export type Config = ReturnType<typeof shapeConfig>;

function shapeConfig(env: z.output<typeof EnvSchema>) {
  const profile = utilityProfile(env.UTILITY_PROFILE);
  // Each profile keeps its own databases and keys: its demo data must not meet another's.
  const dataDir =
    env.DATA_DIR ?? (profile.id === DEFAULT_PROFILE_ID ? '.data' : `.data/profiles/${profile.id}`);
  const payloadKeyId = env.PAYLOAD_KEY_ID ?? [...env.PAYLOAD_KEYS.keys()][0]!;
  const uiOrigins = (
    env.TEMPORAL_UI_ORIGINS ??
    `http://127.0.0.1:${env.TEMPORAL_UI_PORT},http://localhost:${env.TEMPORAL_UI_PORT}`
  )
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    env: env.NODE_ENV,
    log: { level: env.LOG_LEVEL, pretty: env.LOG_PRETTY ?? env.NODE_ENV === 'development' },
    http: {
      host: env.HOST,
      port: env.PORT,
      reusePort: env.HTTP_REUSE_PORT,
      publicUrl: env.PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      uploadLimitBytes: env.UPLOAD_LIMIT_BYTES,
      rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
      webhookRateLimitPerMinute: env.WEBHOOK_RATE_LIMIT_PER_MINUTE,
      trustedProxies: env.TRUSTED_PROXIES,
    },
    dataDir,
    database: {
      url: env.DATABASE_URL,
      embeddedPort: env.EMBEDDED_POSTGRES_PORT,
      poolMax: env.DATABASE_POOL_MAX,
    },
    temporal: {
      /** undefined means "start the embedded dev server" */
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      tls: env.TEMPORAL_TLS || Boolean(env.TEMPORAL_TLS_CERT_PATH) || Boolean(env.TEMPORAL_API_KEY),
      tlsCertPath: env.TEMPORAL_TLS_CERT_PATH,
      tlsKeyPath: env.TEMPORAL_TLS_KEY_PATH,
      tlsCaPath: env.TEMPORAL_TLS_CA_PATH,
      tlsServerName: env.TEMPORAL_TLS_SERVER_NAME,
      apiKey: env.TEMPORAL_API_KEY,
      cliPath: env.TEMPORAL_CLI,
      devPort: env.TEMPORAL_DEV_PORT,
      uiPort: env.TEMPORAL_UI_PORT,
      uiOrigins,
      uiCodecSecret: env.NODE_ENV === 'production' ? undefined : env.TEMPORAL_UI_CODEC_SECRET,
    },
    worker: {
      maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS,
      semiSpaceMb: env.WORKER_SEMI_SPACE_MB,
      mallocArenaMax: env.WORKER_MALLOC_ARENA_MAX,
      nice: env.WORKER_NICE,
      maxConcurrentActivityTaskExecutions: env.WORKER_MAX_CONCURRENT_ACTIVITIES,
      maxConcurrentWorkflowTaskExecutions: env.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    },
    observability: {
      /** undefined: GET /metrics answers loopback callers only (never in production: required there) */
      metricsToken: env.METRICS_TOKEN,
      /** the worker's Temporal SDK metrics (host:port); Seva's activity metrics on port + 1 */
      workerMetricsAddress: env.WORKER_METRICS_ADDRESS,
      /** undefined: no tracer, no trace interceptors, nothing exported */
      otlp: env.OTEL_EXPORTER_OTLP_ENDPOINT
        ? { endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT, headers: env.OTEL_EXPORTER_OTLP_HEADERS }
        : undefined,
    },
    /** the processes `npm start` runs and supervises */
    processes: {
      workers: env.WORKERS,
      migrateOnStart: env.MIGRATE_ON_START,
      workflowBundlePath: env.WORKER_WORKFLOW_BUNDLE,
    },
    productionStack: {
      workers: env.STACK_WORKERS,
      temporalPort: env.STACK_TEMPORAL_PORT,
      historyShards: env.STACK_TEMPORAL_HISTORY_SHARDS,
      dbMaxConns: env.STACK_TEMPORAL_DB_MAX_CONNS,
      visibilityDbMaxConns: env.STACK_TEMPORAL_VISIBILITY_DB_MAX_CONNS,
      database: env.STACK_TEMPORAL_DB,
      visibilityDatabase: env.STACK_TEMPORAL_VISIBILITY_DB,
      retentionDays: env.STACK_NAMESPACE_RETENTION_DAYS,
    },
    auth: {
      jwtSecret: env.JWT_SECRET,
      jwksUrl: env.JWT_JWKS_URL,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
    },
    /** console staff sign-in at the identity provider; undefined: not configured (the demo picker only, outside production) */
    oidc:
      env.OIDC_ISSUER_URL && env.OIDC_CLIENT_ID
        ? {
            issuer: env.OIDC_ISSUER_URL,
            clientId: env.OIDC_CLIENT_ID,
            clientSecret: env.OIDC_CLIENT_SECRET,
            redirectUri:
              env.OIDC_REDIRECT_URI ??
              `${env.PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`}/console/sign-in/oidc/callback`,
            scopes: env.OIDC_SCOPES.split(/\s+/).filter(Boolean).join(' '),
            claims: { role: env.OIDC_ROLE_CLAIM, office: env.OIDC_OFFICE_CLAIM },
            postLogoutRedirectUri: env.OIDC_POST_LOGOUT_REDIRECT_URI,
            /** plain http:// to the identity provider only outside production (a test or laptop IdP) */
            allowHttp: env.NODE_ENV !== 'production',
          }
        : undefined,
    payloadCodec: { keys: env.PAYLOAD_KEYS, activeKeyId: payloadKeyId },
    /** the utility this deployment serves (profiles/<id>.json), validated at start */
    profile,
    utilityName: env.UTILITY_NAME ?? profile.name,
    receipts: {
      p12Path: env.RECEIPT_SIGNING_P12_PATH ?? `${dataDir}/keys/receipt-signing.p12`,
      passphrase: env.RECEIPT_SIGNING_P12_PASSPHRASE,
      trustAnchorsPath: env.RECEIPT_TRUST_ANCHORS_PATH ?? `${dataDir}/keys/receipt-trust-anchors.pem`,
      /** outside production a missing bundle is created with a development CA */
      createIfMissing: env.NODE_ENV !== 'production',
      /** the development certificate's subject (production brings the profile's `receipts.certificate`) */
      country: profile.receipts.certificate.countryName,
      organisation: env.UTILITY_NAME ?? profile.receipts.certificate.organizationName,
    },
    /** receipts and post letters: Noto Sans, Noto Sans Malayalam, Noto Sans Devanagari (regular, bold) */
    pdfFonts: { dir: env.PDF_FONT_DIR },
    ekyc: {
      trustAnchorsPath: env.EKYC_TRUST_ANCHORS_PATH ?? `${dataDir}/keys/ekyc-trust-anchors.pem`,
      /** outside production a development signer stands in for UIDAI's certificate */
      createIfMissing: env.NODE_ENV !== 'production',
    },
    decisions: {
      selfEnrolment: env.SIGNING_KEY_SELF_ENROLMENT ?? env.NODE_ENV !== 'production',
      maxSkewMs: env.DECISION_SIGNATURE_MAX_SKEW_SECONDS * 1000,
    },
    notices: {
      chain: env.NOTICE_CHAIN ?? profile.notices.chain,
      receiptTimeoutMs: env.NOTICE_RECEIPT_TIMEOUT_SECONDS * 1000,
      /** local time of the profile's zone */
      quietHours: env.QUIET_HOURS ?? profile.quietHours,
      /** the zone the quiet window is read in */
      utcOffsetMinutes: profile.utcOffsetMinutes,
      webhookSecret: env.DELIVERY_WEBHOOK_SECRET,
      /** without a provider configured, the development sandbox records messages (GET /v1/dev/outbox) */
      email: env.RESEND_API_KEY
        ? {
            kind: 'resend' as const,
            apiKey: env.RESEND_API_KEY,
            baseUrl: env.RESEND_BASE_URL,
            from: env.EMAIL_FROM,
          }
        : { kind: 'sandbox' as const, from: env.EMAIL_FROM },
      messaging: env.MESSAGING_URL
        ? {
            kind: 'http' as const,
            url: env.MESSAGING_URL,
            authHeader: env.MESSAGING_AUTH_HEADER,
            payloadTemplate: env.MESSAGING_PAYLOAD_TEMPLATE,
            idField: env.MESSAGING_ID_FIELD,
          }
        : { kind: 'sandbox' as const },
      sandboxAllowed: env.NODE_ENV !== 'production',
      sandboxModes: env.SANDBOX_CHANNELS,
      /** messages per second per channel, across all workers; a channel not named is not limited */
      rateLimits: env.NOTICE_RATE_LIMITS,
    },
    /** inbound consumer channels: SMS, IVR and e-mail gateways sign with Standard Webhooks; Meta signs WhatsApp */
    complaints: {
      /** how often an unacknowledged emergency alerts again, one level higher (a type's `realertEvery` overrides) */
      emergencyRealertEvery: env.EMERGENCY_REALERT_EVERY,
    },
    /** the door: how long a request may wait on Temporal before it answers 503 + Retry-After (the retry finds what was done) */
    intake: {
      deadlineMs: env.INTAKE_DEADLINE_MS,
      repeatWindowMs: env.INTAKE_REPEAT_WINDOW_MS,
      relay: {
        leaseMs: env.INTAKE_RELAY_LEASE_MS,
        pollMs: env.INTAKE_RELAY_POLL_MS,
        concurrency: env.INTAKE_RELAY_CONCURRENCY,
        batch: env.INTAKE_RELAY_BATCH,
        yieldMs: env.INTAKE_RELAY_YIELD_MS,
      },
    },
    /** corporate bulk payments: how many lines one posting activity takes */
    bulkPayments: { batchSize: env.BULK_PAYMENT_BATCH_SIZE },
    /** outage campaigns: batches, the call list's clock, planned-outage notice offsets (ms before the start) */
    campaigns: {
      batchSize: env.CAMPAIGN_BATCH_SIZE,
      dispatchers: env.CAMPAIGN_DISPATCHERS,
      sendConcurrency: env.CAMPAIGN_SEND_CONCURRENCY,
      leaseMs: env.CAMPAIGN_LEASE_MS,
      callWorkWithinMs: env.CAMPAIGN_CALL_WORK_WITHIN_MS,
      callRetryMs: env.CAMPAIGN_CALL_RETRY_MS,
      callTries: env.CAMPAIGN_CALL_TRIES,
      plannedOffsetsMs: env.PLANNED_OUTAGE_NOTICE_OFFSETS,
      /** disconnection reminders: days before the disconnection date, largest first; the daily run's local time */
      reminderOffsetsDays: env.DISCONNECTION_REMINDER_OFFSETS,
      reminderAt: env.DISCONNECTION_REMINDER_AT,
      manualMaxRecipients: env.MANUAL_CAMPAIGN_MAX_RECIPIENTS,
    },
    channels: {
      webhookSecret: env.CHANNEL_WEBHOOK_SECRET,
      whatsapp: { appSecret: env.WHATSAPP_APP_SECRET, verifyToken: env.WHATSAPP_VERIFY_TOKEN },
      /** the webhooks that answer; a channel left out answers 404 */
      enabled: enabledChannels(env),
      zalo: {
        appId: env.ZALO_APP_ID,
        oaSecretKey: env.ZALO_OA_SECRET_KEY,
        /** replies through the OA API with this token; without it (development only) the sandbox records them */
        send: env.ZALO_OA_ACCESS_TOKEN
          ? { kind: 'zalo' as const, accessToken: env.ZALO_OA_ACCESS_TOKEN, apiUrl: env.ZALO_API_URL }
          : { kind: 'sandbox' as const },
      },
      messenger: {
        appSecret: env.MESSENGER_APP_SECRET,
        verifyToken: env.MESSENGER_VERIFY_TOKEN,
        send: env.MESSENGER_PAGE_ACCESS_TOKEN
          ? {
              kind: 'messenger' as const,
              pageAccessToken: env.MESSENGER_PAGE_ACCESS_TOKEN,
              apiUrl: env.MESSENGER_API_URL,
            }
          : { kind: 'sandbox' as const },
      },
      /** how long provider message ids are kept to recognise re-deliveries */
      messageRetentionDays: env.CHANNEL_MESSAGE_RETENTION_DAYS,
      /** a claim older than this whose handler did not finish is taken over by the next delivery */
      claimLeaseMs: env.CHANNEL_CLAIM_LEASE_MS,
    },
    demoData: env.DEMO_DATA,
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parse the environment once. Empty strings count as unset so `FOO= npm start` falls back to the default. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const env = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  const config = shapeConfig(parsed.data);
  // The zod contracts built at import time (a consumer number) read the profile installed here.
  installUtilityProfile(config.profile);
  return config;
}
