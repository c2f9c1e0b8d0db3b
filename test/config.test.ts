import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_JWT_SECRET, loadConfig } from '../config';
import { workerMetricsEnv } from '../scripts/lib/seva-children';

const key32 = Buffer.alloc(32, 7).toString('base64');

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('starts on embedded defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config.http.port).toBe(3000);
    expect(config.temporal.address).toBeUndefined();
    expect(config.temporal.devPort).toBe(7233);
    expect(config.temporal.uiPort).toBe(8233);
    expect(config.database.url).toBeUndefined();
    expect(config.payloadCodec.keys.get(config.payloadCodec.activeKeyId)).toHaveLength(32);
  });

  it('sizes the worker and the stacks from config', () => {
    const config = loadConfig({
      WORKER_MAX_CACHED_WORKFLOWS: '250',
      WORKER_MAX_CONCURRENT_ACTIVITIES: '20',
      WORKER_SEMI_SPACE_MB: '8',
      TEMPORAL_UI_CODEC_SECRET: 'x'.repeat(43),
    });
    expect(config.worker).toEqual({
      maxCachedWorkflows: 250,
      semiSpaceMb: 8,
      mallocArenaMax: 2,
      nice: 10,
      maxConcurrentActivityTaskExecutions: 20,
      maxConcurrentWorkflowTaskExecutions: 40,
    });
    expect(config.temporal.uiCodecSecret).toBe('x'.repeat(43));
    expect(loadConfig({}).processes).toEqual({
      workers: 1,
      migrateOnStart: true,
      workflowBundlePath: undefined,
    });
    expect(loadConfig({}).productionStack).toMatchObject({
      workers: 2,
      historyShards: 4,
      temporalPort: 7233,
    });
    expect(problemsOf({ WORKER_MAX_CONCURRENT_ACTIVITIES: '0' })[0]).toMatch(
      /^WORKER_MAX_CONCURRENT_ACTIVITIES:/,
    );
    expect(loadConfig({}).worker.semiSpaceMb).toBe(16);
    expect(problemsOf({ WORKER_SEMI_SPACE_MB: '0' })[0]).toMatch(/^WORKER_SEMI_SPACE_MB:/);
    expect(loadConfig({ WORKER_MALLOC_ARENA_MAX: '0' }).worker.mallocArenaMax).toBe(0);
    expect(problemsOf({ WORKER_MALLOC_ARENA_MAX: 'many' })[0]).toMatch(/^WORKER_MALLOC_ARENA_MAX:/);
    expect(loadConfig({ WORKER_NICE: '0' }).worker.nice).toBe(0);
    expect(loadConfig({}).http.reusePort).toBe(false);
    expect(loadConfig({ HTTP_REUSE_PORT: 'true' }).http.reusePort).toBe(true);
    expect(loadConfig({}).intake.relay.yieldMs).toBe(2_000);
    expect(problemsOf({ WORKER_NICE: '20' })[0]).toMatch(/^WORKER_NICE:/);
  });

  it('keeps PUBLIC_URL without a trailing slash, so links never double it', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://seva.example.in/' }).http.publicUrl).toBe(
      'https://seva.example.in',
    );
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).http.port).toBe(3000);
  });

  it('names the variable and the rule when a value is bad', () => {
    const problems = problemsOf({ PORT: 'eighty', DATABASE_URL: 'mysql://x', TEMPORAL_ADDRESS: 'no-port' });
    expect(problems.find((p) => p.startsWith('PORT:'))).toBeDefined();
    expect(problems.find((p) => p.startsWith('DATABASE_URL:'))).toContain('postgres://');
    expect(problems.find((p) => p.startsWith('TEMPORAL_ADDRESS:'))).toContain('host:port');
  });

  it('reads planned-outage notice offsets as durations, largest first, and refuses anything else', () => {
    expect(loadConfig({}).campaigns.plannedOffsetsMs).toEqual([10, 3, 1].map((d) => d * 86_400_000));
    expect(loadConfig({ PLANNED_OUTAGE_NOTICE_OFFSETS: '2h, 2d,30m' }).campaigns.plannedOffsetsMs).toEqual([
      172_800_000, 7_200_000, 1_800_000,
    ]);
    for (const bad of ['10x', '0d', '-1d', '1d,2d,3d,4d,5d,6d'])
      expect(problemsOf({ PLANNED_OUTAGE_NOTICE_OFFSETS: bad }).join('\n')).toContain(
        'PLANNED_OUTAGE_NOTICE_OFFSETS',
      );
  });

  it('explains malformed payload keys', () => {
    expect(problemsOf({ PAYLOAD_KEYS: 'k1:c2hvcnQ=' }).join('\n')).toMatch(
      /PAYLOAD_KEYS: key "k1" must be 32 bytes/,
    );
    expect(problemsOf({ PAYLOAD_KEYS: 'nokeyid' }).join('\n')).toMatch(
      /PAYLOAD_KEYS: .*<keyId>:<base64 key>/,
    );
    expect(problemsOf({ PAYLOAD_KEYS: `k1:${key32}`, PAYLOAD_KEY_ID: 'k2' }).join('\n')).toMatch(
      /PAYLOAD_KEY_ID: no key "k2"/,
    );
  });

  it('rotates keys: the active key is PAYLOAD_KEY_ID, older keys stay for decryption', () => {
    const config = loadConfig({
      PAYLOAD_KEYS: `old:${key32},new:${Buffer.alloc(32, 9).toString('base64')}`,
      PAYLOAD_KEY_ID: 'new',
    });
    expect(config.payloadCodec.activeKeyId).toBe('new');
    expect([...config.payloadCodec.keys.keys()]).toEqual(['old', 'new']);
  });

  it('refuses the dev secrets in production', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems.join('\n')).toMatch(/JWT_SECRET: the dev signing key is refused/);
    expect(problems.join('\n')).toMatch(/PAYLOAD_KEYS: the dev payload key is refused/);
    expect(problems.join('\n')).toMatch(
      /RECEIPT_SIGNING_P12_PASSPHRASE: the dev receipt passphrase is refused/,
    );
    expect(problems.join('\n')).toMatch(/CHANNEL_WEBHOOK_SECRET: the dev CHANNEL_WEBHOOK_SECRET is refused/);
    expect(problems.join('\n')).toMatch(/WHATSAPP_APP_SECRET: the dev WHATSAPP_APP_SECRET is refused/);
    expect(problems.join('\n')).toMatch(/OIDC_ISSUER_URL: production signs staff in with OpenID Connect/);
    expect(problems.join('\n')).toMatch(/METRICS_TOKEN: production guards GET \/metrics with a bearer token/);
    const ok = loadConfig({
      NODE_ENV: 'production',
      METRICS_TOKEN: 'prometheus-scrape-token-production',
      JWT_SECRET: 'x'.repeat(40),
      PAYLOAD_KEYS: `prod:${key32}`,
      RECEIPT_SIGNING_P12_PASSPHRASE: 'utility-p12-passphrase',
      DELIVERY_WEBHOOK_SECRET: 'whsec_cHJvZHVjdGlvbi13ZWJob29rLXNlY3JldA==',
      CHANNEL_WEBHOOK_SECRET: 'whsec_cHJvZHVjdGlvbi1pbmJvdW5kLXNlY3JldA==',
      WHATSAPP_APP_SECRET: 'meta-app-secret-production',
      WHATSAPP_VERIFY_TOKEN: 'verify-token-production',
      ZALO_APP_ID: '2553928453557884079',
      ZALO_OA_SECRET_KEY: 'zalo-oa-secret-key-production',
      ZALO_OA_ACCESS_TOKEN: 'zalo-oa-access-token',
      MESSENGER_APP_SECRET: 'messenger-app-secret-production',
      MESSENGER_VERIFY_TOKEN: 'messenger-verify-production',
      MESSENGER_PAGE_ACCESS_TOKEN: 'EAAG-page-access-token',
      MESSAGING_URL: 'https://sms-gateway.example/v1/messages',
      RESEND_API_KEY: 're_live_key',
      TEMPORAL_UI_CODEC_SECRET: 'x'.repeat(43),
      OIDC_ISSUER_URL: 'https://login.utility.example/realms/staff',
      OIDC_CLIENT_ID: 'seva-console',
      PUBLIC_URL: 'https://seva.utility.example',
    });
    expect(ok.auth.jwtSecret).not.toBe(DEV_JWT_SECRET);
    expect(ok.observability).toEqual({
      metricsToken: 'prometheus-scrape-token-production',
      workerMetricsAddress: undefined,
      otlp: undefined,
    });
    expect(ok.oidc).toMatchObject({
      redirectUri: 'https://seva.utility.example/console/sign-in/oidc/callback',
      scopes: 'openid profile email',
      claims: { role: 'role', office: 'office' },
      allowHttp: false,
    });
    expect(ok.temporal.uiCodecSecret).toBeUndefined(); // no path route in production
    expect(ok.receipts.createIfMissing).toBe(false);
    expect(ok.decisions.selfEnrolment).toBe(false);
    expect(ok.channels.zalo.send).toMatchObject({ kind: 'zalo', apiUrl: 'https://openapi.zalo.me' });
    expect(ok.channels.messenger.send).toMatchObject({ kind: 'messenger' });
  });

  it("offers the utility profile's channels by default; CHANNELS_ENABLED picks them, naming an unknown one", () => {
    expect(loadConfig({}).channels.enabled).toEqual(['sms', 'whatsapp', 'ivr', 'email']);
    expect(loadConfig({ UTILITY_PROFILE: 'evn-spc' }).channels.enabled).toEqual([
      'sms',
      'ivr',
      'email',
      'zalo',
      'messenger',
    ]);
    expect(loadConfig({}).channels.zalo.send).toEqual({ kind: 'sandbox' });
    expect(loadConfig({ CHANNELS_ENABLED: ' Zalo, messenger ,zalo' }).channels.enabled).toEqual([
      'zalo',
      'messenger',
    ]);
    expect(problemsOf({ CHANNELS_ENABLED: 'sms,telegram' })).toEqual([
      'CHANNELS_ENABLED: unknown channel "telegram"; channels: sms, whatsapp, ivr, email, zalo, messenger',
    ]);
    // In production an offered chat channel needs its own secrets and a token to reply with…
    const production = problemsOf({ NODE_ENV: 'production', UTILITY_PROFILE: 'evn-spc' }).join('\n');
    expect(production).toMatch(/ZALO_OA_SECRET_KEY: the dev ZALO_OA_SECRET_KEY is refused in production/);
    expect(production).toMatch(/MESSENGER_APP_SECRET: the dev MESSENGER_APP_SECRET is refused/);
    expect(production).toMatch(/ZALO_OA_ACCESS_TOKEN: production replies on zalo: set ZALO_OA_ACCESS_TOKEN/);
    expect(production).toMatch(/MESSENGER_PAGE_ACCESS_TOKEN: production replies on messenger/);
    // …and one it does not offer needs nothing (KSEB's profile offers neither).
    const without = problemsOf({ NODE_ENV: 'production', CHANNELS_ENABLED: 'sms,ivr,email,whatsapp' }).join(
      '\n',
    );
    expect(without).not.toMatch(/ZALO|MESSENGER/);
    expect(problemsOf({ NODE_ENV: 'production' }).join('\n')).not.toMatch(/ZALO|MESSENGER/);
    expect(problemsOf({ ZALO_APP_ID: 'my-app' })).toEqual([
      'ZALO_APP_ID: the numeric app id of the Zalo app',
    ]);
  });

  it('lets the embedded UI on its own port call the codec', () => {
    expect(loadConfig({ TEMPORAL_UI_PORT: '8300' }).temporal.uiOrigins).toEqual([
      'http://127.0.0.1:8300',
      'http://localhost:8300',
    ]);
  });

  it('reads the console OIDC settings, together and https in production', () => {
    expect(loadConfig({}).oidc).toBeUndefined();
    expect(problemsOf({ OIDC_ISSUER_URL: 'http://127.0.0.1:9000' }).join('\n')).toMatch(
      /OIDC_CLIENT_ID: OIDC_ISSUER_URL and OIDC_CLIENT_ID go together/,
    );
    expect(
      problemsOf({
        OIDC_ISSUER_URL: 'https://idp.example',
        OIDC_CLIENT_ID: 'c',
        OIDC_SCOPES: 'profile',
      }).join('\n'),
    ).toMatch(/OIDC_SCOPES: must include openid/);
    expect(
      problemsOf({ NODE_ENV: 'production', OIDC_ISSUER_URL: 'http://idp.example', OIDC_CLIENT_ID: 'c' }).join(
        '\n',
      ),
    ).toMatch(/OIDC_ISSUER_URL: must be https:\/\/ in production/);
    const dev = loadConfig({
      OIDC_ISSUER_URL: 'http://127.0.0.1:9000',
      OIDC_CLIENT_ID: 'seva-console',
      OIDC_ROLE_CLAIM: 'seva_role',
      OIDC_OFFICE_CLAIM: 'seva_office',
      OIDC_SCOPES: 'openid  staff',
    });
    expect(dev.oidc).toMatchObject({
      issuer: 'http://127.0.0.1:9000',
      redirectUri: 'http://127.0.0.1:3000/console/sign-in/oidc/callback',
      scopes: 'openid staff',
      claims: { role: 'seva_role', office: 'seva_office' },
      allowHttp: true,
    });
  });

  it('requires TLS certificate and key together', () => {
    expect(problemsOf({ TEMPORAL_TLS_CERT_PATH: '/c.pem' }).join('\n')).toMatch(/TEMPORAL_TLS_KEY_PATH/);
  });

  it('reads the metrics and tracing settings: off by default, named when malformed', () => {
    expect(loadConfig({}).observability).toEqual({
      metricsToken: undefined,
      workerMetricsAddress: undefined,
      otlp: undefined,
    });
    const on = loadConfig({
      METRICS_TOKEN: 'a-scrape-token-of-length',
      WORKER_METRICS_ADDRESS: '0.0.0.0:9464',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example:4318/',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=abc%3D%3D, tenant = seva',
    }).observability;
    expect(on).toEqual({
      metricsToken: 'a-scrape-token-of-length',
      workerMetricsAddress: '0.0.0.0:9464',
      otlp: { endpoint: 'https://otel.example:4318', headers: { 'x-api-key': 'abc==', tenant: 'seva' } },
    });
    expect(problemsOf({ METRICS_TOKEN: 'short' })).toEqual(['METRICS_TOKEN: at least 16 characters']);
    expect(problemsOf({ WORKER_METRICS_ADDRESS: '9464' })).toEqual([
      'WORKER_METRICS_ADDRESS: must be host:port, e.g. 127.0.0.1:9464',
    ]);
    expect(problemsOf({ WORKER_METRICS_ADDRESS: '127.0.0.1:65535' })[0]).toMatch(/the next one/);
    expect(problemsOf({ OTEL_EXPORTER_OTLP_HEADERS: 'no-equals' })).toEqual([
      'OTEL_EXPORTER_OTLP_HEADERS: write key=value pairs, comma-separated',
    ]);
  });

  it('reads the providers’ rate limits per channel, and names NOTICE_RATE_LIMITS when they are wrong', () => {
    // Unset or empty: nothing is limited (the sandbox and the benches as they were).
    expect(loadConfig({}).notices.rateLimits).toEqual({});
    expect(loadConfig({ NOTICE_RATE_LIMITS: '' }).notices.rateLimits).toEqual({});
    expect(
      loadConfig({ NOTICE_RATE_LIMITS: 'sms=200, whatsapp = 80,voice=10,email=100,' }).notices.rateLimits,
    ).toEqual({ sms: 200, whatsapp: 80, voice: 10, email: 100 });
    expect(loadConfig({ NOTICE_RATE_LIMITS: 'voice=1' }).notices.rateLimits).toEqual({ voice: 1 });
    for (const [value, says] of [
      ['post=5', /unknown channel "post"; channels: sms, whatsapp, voice, email/],
      ['pigeon=5', /unknown channel "pigeon"/],
      ['sms=0', /"sms=0": the rate must be a whole number/],
      ['sms=-3', /"sms=-3": the rate must be a whole number/],
      ['sms=2.5', /"sms=2.5": the rate must be a whole number/],
      ['sms=fast', /"sms=fast": the rate must be a whole number/],
      ['sms', /"sms": the rate must be a whole number/],
      ['sms=5=6', /"sms=5=6": the rate must be a whole number/],
      ['sms=10,sms=20', /sms is given twice/],
      ['=10', /unknown channel ""/],
    ] as const) {
      const problems = problemsOf({ NOTICE_RATE_LIMITS: value });
      expect(problems, value).toHaveLength(1);
      expect(problems[0], value).toMatch(/^NOTICE_RATE_LIMITS: /);
      expect(problems[0], value).toMatch(says);
    }
  });

  it('gives each worker of a stack its own pair of metrics ports', () => {
    expect(workerMetricsEnv(undefined, 0)).toEqual({});
    expect([0, 1, 2].map((i) => workerMetricsEnv('127.0.0.1:9464', i).WORKER_METRICS_ADDRESS)).toEqual([
      '127.0.0.1:9464',
      '127.0.0.1:9466',
      '127.0.0.1:9468',
    ]);
  });
});
