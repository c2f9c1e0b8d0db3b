/** @jsxImportSource hono/jsx */
import { defaultLanguage, isOfferedLanguage } from '../offered-languages';
import { readFileSync } from 'node:fs';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { randomUUID } from 'node:crypto';
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import { FAILURE_STATUS } from '../../api/problem';
import type { AppDeps } from '../../api/types';
import { findServiceType, listComplaintTypes, listServiceTypes } from '../../db/catalogue';
import { listVerifiedDecisions } from '../../db/decisions';
import {
  complaints,
  documents,
  offices,
  outageComplaints,
  outages,
  staff,
  staffInbox,
} from '../../db/schema';
import { contactsTakenBy } from '../../db/inbound-contacts';
import { listSigningKeys } from '../../db/signing-keys';
import { activeStaffMember, inboxOf, markInboxRead } from '../../db/staff';
import {
  complaintCounts,
  COMPLAINT_QUEUE_ROLES,
  listComplaintItems,
  listWorkItems,
  OPEN_COMPLAINT_STATUSES,
  totalFromCounts,
  workItemCounts,
  WORK_ITEM_ROLES,
} from '../../db/work-items';
import {
  COMPLAINT_STATUSES,
  complaintStatusQuery,
  ZAcknowledge,
  ZAssignCrew,
  ZResolve,
} from '../../domain/complaint';
import { decisionMessage } from '../../domain/decision-signature';
import { DomainProblem, fieldErrors, FailureType, type TFieldError } from '../../domain/failures';
import type { TLanguage } from '../../domain/languages';
import { ZRequestNumber } from '../../domain/request-number';
import { ZConsumerNumber } from '../../domain/consumer';
import { localMidnight } from '../../domain/utility-profile-contract';
import { ZOutageRegistration } from '../../domain/outage';
import type { TPrincipal, TRole } from '../../domain/roles';
import { REQUEST_STATUSES, statusQuery } from '../../domain/service-request';
import { openBytes } from '../../lib/at-rest';
import { assertRole, queueScope } from '../../use-cases/access';
import { countDeskContact, DESK_ROLES, findCallers, openCaller } from '../../use-cases/agent-desk';
import {
  cancelOutage,
  changeOutageEtr,
  DISPATCH_ROLES,
  rescheduleOutage,
  listOpenOutages,
  officeNetwork,
  registerOutage,
  restoreOutage,
} from '../../use-cases/outages';
import { registerComplaint } from '../../use-cases/register-complaint';
import { submitServiceRequest } from '../../use-cases/submit-service-request';
import { eformFieldErrors, eformValues, formFile, formText, kindInMessage, typedEForm } from '../eform';
import { translator } from '../messages';
import { ZDocumentKind, type TDocumentKind } from '../../domain/catalogue';
import {
  CALL_LIST_ROLES,
  CAMPAIGN_READ_ROLES,
  claimCallEntry,
  listCallList,
  listCampaigns,
  readCampaign,
  recordCallOutcome,
} from '../../use-cases/campaigns';
import { CAMPAIGN_COMPOSE_ROLES, type TCallOutcome } from '../../domain/campaign-contract';
import {
  cancelManualCampaign,
  createManualCampaign,
  previewManualCampaign,
  type TManualCampaignRequest,
} from '../../use-cases/manual-campaigns';
import { isLanguage } from '../../domain/languages';
import { NewCampaignPage, type TNewCampaignView } from './campaign-forms';
import { actOnComplaint, COMPLAINT_ACTIONS, type TComplaintAction } from '../../use-cases/act-on-complaint';
import { authoriseComplaint } from '../../use-cases/complaints';
import { decideServiceRequest, SERVICE_REQUEST_ACTIONS } from '../../use-cases/decide-service-request';
import { authoriseServiceRequest } from '../../use-cases/service-requests';
import { enrolSigningKey, revokeSigningKeyOf } from '../../use-cases/signing-keys';
import { PAGE_CSP } from '../portal';
import { documentOf } from '../layout';
import { verifyCsrf } from '../session';
import { CallerPage } from './caller';
import { ComplaintPage } from './complaint';
import { DeskPage, type TDeskView } from './desk';
import { DeskRequestPage, type TDeskRequestView } from './desk-request';
import {
  CONSOLE_DECISIONS,
  decisionBody,
  localInstant,
  isConsoleDecision,
  parseDecision,
  signatureOf,
} from './decision-forms';
import type { ConsoleEnv } from './env';
import { ConsoleErrorPage } from './error';
import { InboxPage, type TInboxComplaint } from './inbox';
import { submittedInput } from './intake';
import { KeyPage } from './key';
import { OutagesPage, type TOutagesView } from './outages';
import { CampaignsPage, type TCampaignsView } from './campaigns';
import { addRepairPages } from './repair';
import { KpisPage, type TKpisView } from './kpis';
import {
  allKpis,
  KPI_COLUMNS,
  KPI_NAMES,
  KPI_READERS,
  KPI_ROLES,
  KPI_TABLES,
  kpiOffices,
  parseKpiQuery,
  type TKpiName,
  type TKpiQuery,
} from '../../use-cases/kpis';
import { toCsv, type TCell } from '../../lib/csv';
import { BulkPaymentPage, BulkPaymentsPage, type TBulkBatchView, type TBulkListView } from './bulk-payments';
import { approveBulkPayment, BULK_APPROVER_ROLES } from '../../use-cases/approve-bulk-payment';
import {
  bulkPaymentReportCsv,
  bulkPaymentReportPdf,
  listBulkPaymentBatches,
  listUploadCorporates,
  readBulkPaymentBatch,
} from '../../use-cases/bulk-payment-reports';
import { REVERSAL_ROLES, reverseBulkPaymentLine } from '../../use-cases/reverse-posting';
import { uploadBulkPayment } from '../../use-cases/upload-bulk-payment';
import type { TConsolePage } from './layout';
import { consoleTranslator } from './messages';
import { refusalOf as anyRefusal } from '../refusals';
import type { TFormFailure } from './parts';
import { QUEUE_DUE, QUEUE_SORTS, QueuePage, type TQueueFilters, type TQueueView } from './queue';
import { RequestPage, type TStoredDocument } from './request';
import {
  CONSOLE_COOKIES,
  consoleContext,
  consoleCookieOptions,
  endConsoleSessionOf,
  startConsoleSession,
} from './session';
import { createOidcSignIn, OIDC_ATTEMPT_TTL_MS, OIDC_REFUSALS } from './oidc';
import { SignInPage } from './sign-in';
import { homeOf } from './layout';

/** The portal's page policy, and frames from this origin: PDFs are shown inline on the request page. */
const CONSOLE_CSP = `${PAGE_CSP}; frame-src 'self'`;
/** A queue cursor as db/work-items.ts writes them (base64url); anything else is ignored. */
const CURSOR = /^[A-Za-z0-9_-]{8,400}$/;

const ASSETS = new Map([
  ['console.css', { file: new URL('./console.css', import.meta.url), type: 'text/css; charset=utf-8' }],
  ['console.js', { file: new URL('./console.js', import.meta.url), type: 'text/javascript; charset=utf-8' }],
]);

/** What a refusal says, for the page, with its HTTP status (web/refusals.ts: a use case's or a workflow's). */
function refusalOf(
  error: unknown,
): { status: ContentfulStatusCode; message: string; errors: TFieldError[] } | undefined {
  const refusal = anyRefusal(error);
  return (
    refusal && { status: FAILURE_STATUS[refusal.type], message: refusal.message, errors: refusal.errors }
  );
}

/**
 * A form's refusal, to show on the page the form came from, with the status to answer. Anything
 * that is not a refusal, and a page that is not the reader's (403, 404), is thrown on to onError.
 * `words`: a refusal naming fields says "see the fields" (`fields-first`), or always gives the reason.
 */
function failureOf(
  c: Context<ConsoleEnv>,
  form: string,
  error: unknown,
  words: 'fields-first' | 'reason' = 'fields-first',
): TFormFailure & { status: ContentfulStatusCode } {
  const refusal = refusalOf(error);
  if (!refusal || refusal.status === 403 || refusal.status === 404) throw error;
  const t = consoleTranslator(c.get('language'));
  return {
    form,
    status: refusal.status,
    message:
      words === 'fields-first' && refusal.status === 400 && refusal.errors.length
        ? t('failure.fields')
        : t('failure.refused', { reason: refusal.message }),
    errors: refusal.errors,
  };
}

const localPath = (v: unknown) =>
  typeof v === 'string' && /^\/console(\/[^\s]*)?$/.test(v) && !v.startsWith('//') ? v : '/console';

/** Which of a table's actions a role may take (who may is declared once, in the use case). */
const allowed = (actions: Record<string, { roles: readonly TRole[] }>, role: TRole) =>
  new Set(Object.entries(actions).flatMap(([a, spec]) => (spec.roles.includes(role) ? [a] : [])));

/**
 * The back-office console under /console: staff sign-in, the work queue, a request and a complaint
 * with the actions the caller may take, the inbox, and the decision-signing key. Pages call the
 * same use cases, db/ functions and access rules as the JSON API, with the staff principal the
 * session stands for.
 */
export function createConsoleRoutes(deps: AppDeps) {
  const app = new Hono<ConsoleEnv>();
  const now = deps.now ?? (() => new Date());
  const development = deps.config.env !== 'production';

  app.get('/assets/:name', (c) => {
    const asset = ASSETS.get(c.req.param('name'));
    if (!asset) return c.notFound();
    // Read on each request outside production, so an edit shows without a restart.
    return c.body(readFileSync(asset.file), 200, {
      'content-type': asset.type,
      'cache-control': development ? 'no-cache' : 'public, max-age=3600',
    });
  });

  const pageOf = async (c: Context<ConsoleEnv>, path = c.req.path): Promise<TConsolePage> => {
    const language = c.get('language') ?? defaultLanguage();
    const session = c.get('consoleSession');
    const [inbox, keys] = session
      ? await Promise.all([
          inboxOf(deps.db, session.subject, { unread: true, page: 1, pageSize: 1 }),
          listSigningKeys(deps.db, session.subject),
        ])
      : [undefined, []];
    return {
      language,
      t: consoleTranslator(language),
      utility: deps.config.utilityName,
      csrfToken: c.get('csrfToken') ?? '',
      path,
      staff: session
        ? { subject: session.subject, name: session.name, role: session.role, officeId: session.officeId }
        : undefined,
      unread: inbox?.unread ?? 0,
      activeKeys: keys.filter((k) => !k.revokedAt).map((k) => k.keyId),
    };
  };
  const html = (c: Context, element: unknown, status: ContentfulStatusCode = 200) =>
    c.html(documentOf(element), status, {
      'content-security-policy': CONSOLE_CSP,
      'cache-control': 'no-store',
    });
  const errorPage = async (
    c: Context<ConsoleEnv>,
    status: ContentfulStatusCode,
    title: string,
    message: string,
  ) => html(c, <ConsoleErrorPage page={await pageOf(c)} title={title} message={message} />, status);

  app.use(
    '*',
    consoleContext(deps, now),
    verifyCsrf(deps, async (c) => {
      const t = consoleTranslator(c.get('language') ?? defaultLanguage());
      return errorPage(c as Context<ConsoleEnv>, 403, t('errors.csrfTitle'), t('errors.csrf'));
    }),
  );
  app.onError(async (error, c) => {
    const refusal = refusalOf(error);
    const t = consoleTranslator(c.get('language') ?? defaultLanguage());
    if (refusal && (refusal.status === 403 || refusal.status === 404))
      return errorPage(
        c,
        refusal.status,
        t(refusal.status === 403 ? 'errors.forbiddenTitle' : 'errors.notFoundTitle'),
        refusal.message,
      );
    (c.get('logger') ?? deps.logger).error({ err: error, path: c.req.path }, 'console page failed');
    return errorPage(
      c,
      500,
      t('errors.genericTitle'),
      t('errors.generic', { requestId: c.get('requestId') }),
    );
  });

  /** The signed-in staff principal, or undefined (the caller redirects to sign-in). */
  const staffOf = (c: Context<ConsoleEnv>) => {
    const p = c.get('consoleSession') ? c.get('principal') : undefined;
    return p?.kind === 'staff' ? p : undefined;
  };
  const toSignIn = (c: Context) => c.redirect('/console/sign-in', 303);

  // ---------------- sign-in ----------------
  app.get('/', (c) => {
    const principal = staffOf(c);
    return c.redirect(principal ? homeOf(principal.role) : '/console/sign-in', 303);
  });

  const oidcSignIn = createOidcSignIn(deps, now);
  const demoUsers = () =>
    deps.db
      .select({ subject: staff.subject, name: staff.name, role: staff.role, officeId: staff.officeId })
      .from(staff)
      .where(eq(staff.active, true))
      .orderBy(asc(staff.officeId), asc(staff.role), asc(staff.subject));

  const signInPage = async (
    c: Context<ConsoleEnv>,
    extra: { notice?: string; error?: string; idpSignOut?: string } = {},
    status: ContentfulStatusCode = 200,
  ) =>
    html(
      c,
      <SignInPage
        page={await pageOf(c, '/console/sign-in')}
        demoUsers={development ? await demoUsers() : undefined}
        oidc={Boolean(oidcSignIn)}
        {...extra}
      />,
      status,
    );

  app.get('/sign-in', async (c) => {
    const signedIn = staffOf(c);
    if (signedIn) return c.redirect(homeOf(signedIn.role), 303);
    const t = consoleTranslator(c.get('language'));
    const signedOut = c.req.query('signed-out');
    // Signed out of a session the identity provider opened: its own sign-out is one link away.
    const idpSignOut = signedOut === 'oidc' ? await oidcSignIn?.endSessionUrl() : undefined;
    return signInPage(
      c,
      signedOut !== undefined ? { notice: t('signIn.signedOut'), ...(idpSignOut ? { idpSignOut } : {}) } : {},
    );
  });

  // ---------------- sign-in at the identity provider (OpenID Connect, code + PKCE) ----------------
  /** The browser's half of a sign-in under way: a random binding, for the callback only, 10 minutes. */
  const OIDC_COOKIE = 'seva_console_oidc';
  const oidcCookieOptions = (maxAgeSeconds?: number) => ({
    ...consoleCookieOptions(deps, maxAgeSeconds),
    path: '/console/sign-in/oidc',
  });
  const oidcRefused = (c: Context<ConsoleEnv>, refusal: keyof typeof OIDC_REFUSALS, error?: string) =>
    signInPage(
      c,
      { error: consoleTranslator(c.get('language'))(`signIn.refused.${refusal}`, { error: error ?? '' }) },
      OIDC_REFUSALS[refusal],
    );

  app.get('/sign-in/oidc', async (c) => {
    if (!oidcSignIn)
      return signInPage(c, { error: consoleTranslator(c.get('language'))('signIn.unavailable') }, 404);
    const started = await oidcSignIn.start();
    if (!started.ok) return oidcRefused(c, started.refusal);
    setCookie(c, OIDC_COOKIE, started.binding, oidcCookieOptions(OIDC_ATTEMPT_TTL_MS / 1000));
    return c.redirect(started.url.toString(), 303);
  });

  app.get('/sign-in/oidc/callback', async (c) => {
    if (!oidcSignIn)
      return signInPage(c, { error: consoleTranslator(c.get('language'))('signIn.unavailable') }, 404);
    const binding = getCookie(c, OIDC_COOKIE);
    deleteCookie(c, OIDC_COOKIE, oidcCookieOptions());
    // The URL the identity provider redirected to, as registered (behind a proxy c.req.url is the inside one).
    const at = new URL(deps.config.oidc!.redirectUri);
    at.search = new URL(c.req.url).search;
    const outcome = await oidcSignIn.callback(binding, at);
    if (!outcome.ok) return oidcRefused(c, outcome.refusal, outcome.error);
    const { principal } = outcome;
    // A session already in this browser (another person) ends: one person per browser.
    await endConsoleSessionOf(c, deps);
    await startConsoleSession(
      c,
      deps,
      { subject: principal.subject, role: principal.role, officeId: principal.officeId, via: 'oidc' },
      now(),
    );
    return c.redirect(homeOf(principal.role), 303);
  });

  app.post('/sign-in', async (c) => {
    const t = consoleTranslator(c.get('language'));
    // The demo picker exists only outside production: there, the identity provider signs staff in.
    if (!development) return signInPage(c, { error: t('signIn.unavailable') }, 404);
    const form = await c.req.parseBody();
    const member =
      typeof form.subject === 'string' ? await activeStaffMember(deps.db, form.subject) : undefined;
    if (!member || member.role === 'consumer') return signInPage(c, { error: t('signIn.unknownUser') }, 400);
    await startConsoleSession(
      c,
      deps,
      { subject: member.subject, role: member.role, officeId: member.officeId, via: 'dev' },
      now(),
    );
    return c.redirect(homeOf(member.role as TRole), 303);
  });

  app.post('/sign-out', async (c) => {
    const via = c.get('consoleSession')?.via;
    await endConsoleSessionOf(c, deps);
    return c.redirect(`/console/sign-in?signed-out${via === 'oidc' ? '=oidc' : ''}`, 303);
  });

  app.post('/language', async (c) => {
    const form = await c.req.parseBody();
    if (isOfferedLanguage(form.lang))
      setCookie(c, CONSOLE_COOKIES.language, form.lang, consoleCookieOptions(deps, 365 * 86_400));
    return c.redirect(localPath(form.next), 303);
  });

  // ---------------- work queue ----------------
  app.get('/queue', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    const language = c.get('language');
    const q = c.req.query();
    const mayRequests = (WORK_ITEM_ROLES as readonly TRole[]).includes(principal.role);
    const mayComplaints = (COMPLAINT_QUEUE_ROLES as readonly TRole[]).includes(principal.role);
    const kind = q.kind === 'complaints' || !mayRequests ? 'complaints' : 'requests';
    if ((kind === 'complaints' && !mayComplaints) || (kind === 'requests' && !mayRequests))
      throw new DomainProblem(FailureType.Forbidden, consoleTranslator(language)('queue.notForRole'));
    const statuses: string[] = kind === 'requests' ? [...REQUEST_STATUSES] : [...COMPLAINT_STATUSES];
    const openWord = kind === 'requests' ? 'open' : 'active';
    const filters: TQueueFilters = {
      kind,
      type: q.type ?? '',
      status: q.status && [openWord, 'all', ...statuses].includes(q.status) ? q.status : openWord,
      due: (QUEUE_DUE as readonly string[]).includes(q.due ?? '') ? (q.due as TQueueFilters['due']) : 'any',
      level: /^[0-9]$/.test(q.level ?? '') ? q.level! : '',
      sort: (QUEUE_SORTS as readonly string[]).includes(q.sort ?? '')
        ? (q.sort as TQueueFilters['sort'])
        : 'urgent',
      page: Math.min(100_000, Math.max(1, Number.parseInt(q.page ?? '1', 10) || 1)),
      ...(CURSOR.test(q.after ?? '')
        ? { after: q.after }
        : CURSOR.test(q.before ?? '')
          ? { before: q.before }
          : {}),
    };
    const scope = await queueScope(deps.db, principal, undefined);
    const at = now().getTime();
    const dueBefore =
      filters.due === 'overdue'
        ? new Date(at)
        : filters.due === 'day'
          ? new Date(at + 86_400_000)
          : filters.due === 'week'
            ? new Date(at + 7 * 86_400_000)
            : undefined;
    const pageSize = 25;
    const common = {
      status: filters.status,
      type: filters.type || undefined,
      level: filters.level ? Number(filters.level) : undefined,
      dueBefore,
      page: filters.page,
      after: filters.after,
      before: filters.before,
      pageSize,
    };
    // The list's total from the counts per status (one grouped query) when only the status filters it.
    const filtered = !!(common.type || common.level !== undefined || dueBefore);
    const shown = (all: string[]) =>
      filters.status === 'all' ? 'all' : filters.status === openWord ? all : [filters.status];
    const named = (
      list: { code: string; name: string; translations: Partial<Record<TLanguage, { name?: string }>> }[],
    ) =>
      list.map((x) => ({
        code: x.code,
        name: (language !== 'en' ? x.translations[language]?.name : undefined) ?? x.name,
      }));
    const base = { filters, statuses, pageSize };
    let view: TQueueView;
    if (kind === 'requests') {
      const [[counts, list], types] = await Promise.all([
        workItemCounts(deps.db, scope).then(async (counts) => {
          const total = totalFromCounts(counts, shown(['in-progress', 'awaiting-consumer']), filtered);
          return [
            counts,
            await listWorkItems(deps.db, scope, { ...common, order: filters.sort }, { total }),
          ] as const;
        }),
        listServiceTypes(deps.db).then(named),
      ]);
      const names = new Map(types.map((x) => [x.code, x.name]));
      view = { ...base, kind, ...list, counts, types, typeName: (code) => names.get(code) ?? code };
    } else {
      const [[counts, list], types] = await Promise.all([
        complaintCounts(deps.db, scope).then(async (counts) => {
          const total = totalFromCounts(counts, shown(OPEN_COMPLAINT_STATUSES), filtered);
          return [counts, await listComplaintItems(deps.db, scope, common, { total })] as const;
        }),
        listComplaintTypes(deps.db).then(named),
      ]);
      const names = new Map(types.map((x) => [x.code, x.name]));
      view = { ...base, kind, ...list, counts, types, typeName: (code) => names.get(code) ?? code };
    }
    return html(c, <QueuePage page={await pageOf(c)} view={view} />);
  });

  // ---------------- a service request ----------------
  const requestNumberOf = (c: Context) => {
    const parsed = ZRequestNumber.safeParse(c.req.param('rn'));
    if (!parsed.success) throw new DomainProblem(FailureType.NotFound, `no request ${c.req.param('rn')}`);
    return parsed.data;
  };

  const renderRequest = async (
    c: Context<ConsoleEnv>,
    principal: TPrincipal & { kind: 'staff' },
    rn: string,
    extra: { failure?: TFormFailure; done?: string } = {},
    status: ContentfulStatusCode = 200,
  ) => {
    const { handle, running } = await authoriseServiceRequest(deps, principal, rn);
    const state = running ? await handle.query(statusQuery) : await handle.result();
    const ids = state.documents.map((d) => d.documentId);
    const [input, decisions, rows] = await Promise.all([
      submittedInput(deps, handle).catch((error: unknown) => {
        c.get('logger').warn({ err: error, rn }, 'the eForm could not be read from the history');
        return undefined;
      }),
      listVerifiedDecisions(deps.db, rn),
      ids.length
        ? deps.db
            .select({
              id: documents.id,
              mediaType: documents.mediaType,
              sizeBytes: documents.sizeBytes,
              verdict: documents.verdict,
            })
            .from(documents)
            .where(and(inArray(documents.id, ids), eq(documents.consumerNumber, state.consumerNumber)))
        : [],
    ]);
    const stored = new Map<string, TStoredDocument>(rows.map((r) => [r.id, r]));
    const may = new Set(
      [...allowed(SERVICE_REQUEST_ACTIONS, principal.role)].filter((a) => a in CONSOLE_DECISIONS),
    );
    const ops = principal.role === 'ops' || principal.role === 'admin';
    const ui = deps.config.temporal.uiOrigins[0];
    const temporalUrl =
      ops && ui
        ? `${ui}/namespaces/${encodeURIComponent(deps.config.temporal.namespace)}/workflows/${encodeURIComponent(rn)}`
        : undefined;
    return html(
      c,
      <RequestPage
        page={await pageOf(c)}
        view={{ state, input, stored, decisions, may, temporalUrl, ...extra }}
      />,
      status,
    );
  };

  app.get('/requests/:rn', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    const done = c.req.query('done');
    return renderRequest(c, principal, requestNumberOf(c), {
      done: done && isConsoleDecision(done) ? done : undefined,
    });
  });

  app.get('/requests/:rn/documents/:documentId', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    const rn = requestNumberOf(c);
    const { handle, running } = await authoriseServiceRequest(deps, principal, rn);
    const state = running ? await handle.query(statusQuery) : await handle.result();
    const id = c.req.param('documentId');
    // Only a document this request cites, of this request's consumer.
    const cited = state.documents.find((d) => d.documentId === id);
    const [row] = cited
      ? await deps.db
          .select()
          .from(documents)
          .where(and(eq(documents.id, id), eq(documents.consumerNumber, state.consumerNumber)))
      : [];
    if (!row) throw new DomainProblem(FailureType.NotFound, `request ${rn} cites no document ${id}`);
    const bytes = openBytes(deps.config.payloadCodec, row.keyId, row.ciphertext, row.id);
    const name = row.fileName.replace(/[^\w.-]+/g, '_');
    return c.body(new Uint8Array(bytes), 200, {
      'content-type': row.mediaType,
      'content-disposition': `inline; filename="${name}"`,
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-store',
      ...(row.mediaType === 'application/pdf'
        ? {}
        : { 'content-security-policy': "default-src 'none'; sandbox" }),
    });
  });

  /** The canonical message of a decision, for the page's script to sign (it never sees the key's secret half leave). */
  app.post('/requests/:rn/:action/message', async (c) => {
    const principal = staffOf(c);
    if (!principal) return c.json({ error: 'signed out' }, 401);
    const action = c.req.param('action');
    if (!isConsoleDecision(action)) return c.json({ error: `no action ${action}` }, 404);
    const rn = requestNumberOf(c);
    const body = decisionBody(action, await c.req.parseBody({ all: true }));
    // A body that will be refused is not signed: the form is then sent as it is and the fields are named.
    if (!parseDecision(action, body).ok) return c.json({ error: 'invalid fields' }, 400);
    const signedAt = now().toISOString();
    return c.json({ message: decisionMessage({ requestNumber: rn, action, body, signedAt }), signedAt }, 200);
  });

  app.post('/requests/:rn/:action', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    const rn = requestNumberOf(c);
    const action = c.req.param('action');
    if (!isConsoleDecision(action)) throw new DomainProblem(FailureType.NotFound, `no action ${action}`);
    const t = consoleTranslator(c.get('language'));
    const form = await c.req.parseBody({ all: true });
    const formId =
      typeof form._form === 'string' && /^[a-z0-9-]{1,40}$/.test(form._form) ? form._form : action;
    const body = decisionBody(action, form);
    const parsed = parseDecision(action, body);
    if (!parsed.ok)
      return renderRequest(
        c,
        principal,
        rn,
        { failure: { form: formId, message: t('failure.fields'), errors: parsed.errors } },
        400,
      );
    const signature = signatureOf(form);
    try {
      await decideServiceRequest(deps, principal, {
        requestNumber: rn,
        ...parsed.decision,
        signedBody: { ...body, ...(signature ? { signature } : {}) },
      });
    } catch (error) {
      const { status, ...failure } = failureOf(c, formId, error, 'reason');
      const unsigned = failure.errors.some((e) => e.field.startsWith('signature'));
      if (unsigned) failure.message = t('failure.signature', { reason: refusalOf(error)!.message });
      return renderRequest(c, principal, rn, { failure }, status);
    }
    return c.redirect(`/console/requests/${rn}?done=${action}`, 303);
  });

  // ---------------- a complaint ----------------
  const renderComplaint = async (
    c: Context<ConsoleEnv>,
    principal: TPrincipal & { kind: 'staff' },
    rn: string,
    extra: { failure?: TFormFailure; done?: string } = {},
    status: ContentfulStatusCode = 200,
  ) => {
    const { handle, running } = await authoriseComplaint(deps, principal, rn);
    const state = running ? await handle.query(complaintStatusQuery) : await handle.result();
    const language = c.get('language');
    const type = (await listComplaintTypes(deps.db)).find((x) => x.code === state.typeCode);
    const typeName = (language !== 'en' ? type?.translations[language]?.name : undefined) ?? state.typeName;
    const may = allowed(COMPLAINT_ACTIONS, principal.role);
    return html(
      c,
      <ComplaintPage page={await pageOf(c)} view={{ state, typeName, may, ...extra }} />,
      status,
    );
  };

  app.get('/complaints/:rn', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    const done = c.req.query('done');
    return renderComplaint(c, principal, requestNumberOf(c), {
      done: done && done in COMPLAINT_ACTIONS ? done : undefined,
    });
  });

  const COMPLAINT_FORMS = {
    'assign-crew': (f: Record<string, unknown>) => ZAssignCrew.safeParse({ crew: f.crew }),
    resolve: (f: Record<string, unknown>) => ZResolve.safeParse({ resolution: f.resolution }),
    acknowledge: (f: Record<string, unknown>) => ZAcknowledge.safeParse({ note: f.note ?? '' }),
  } as const;

  app.post('/complaints/:rn/:action', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    const rn = requestNumberOf(c);
    const action = c.req.param('action');
    if (!(action in COMPLAINT_FORMS)) throw new DomainProblem(FailureType.NotFound, `no action ${action}`);
    const name = action as keyof typeof COMPLAINT_FORMS;
    const t = consoleTranslator(c.get('language'));
    const parsed = COMPLAINT_FORMS[name](await c.req.parseBody());
    if (!parsed.success)
      return renderComplaint(
        c,
        principal,
        rn,
        { failure: { form: name, message: t('failure.fields'), errors: fieldErrors(parsed.error.issues) } },
        400,
      );
    try {
      await actOnComplaint(deps, principal, {
        requestNumber: rn,
        ...({ action: name, body: parsed.data } as TComplaintAction),
      });
    } catch (error) {
      const { status, ...failure } = failureOf(c, name, error, 'reason');
      return renderComplaint(c, principal, rn, { failure }, status);
    }
    return c.redirect(`/console/complaints/${rn}?done=${name}`, 303);
  });

  // ---------------- inbox ----------------
  /** The inbox page; its emergencies carry their complaint's re-alert count and whether anyone has taken charge. */
  const renderInbox = async (
    c: Context<ConsoleEnv>,
    principal: TPrincipal & { kind: 'staff' },
    extra: { acknowledged?: string; failure?: TFormFailure } = {},
    status: ContentfulStatusCode = 200,
  ) => {
    const at = Math.min(100_000, Math.max(1, Number.parseInt(c.req.query('page') ?? '1', 10) || 1));
    const pageSize = 30;
    const { items, total } = await inboxOf(deps.db, principal.subject, { page: at, pageSize });
    const rns = [
      ...new Set(items.map((i) => i.noticeKey.split('/')[0] ?? '').filter((rn) => rn.startsWith('CR-'))),
    ];
    const rows = rns.length
      ? await deps.db
          .select({
            requestNumber: complaints.requestNumber,
            priority: complaints.priority,
            status: complaints.status,
            acknowledgedAt: complaints.acknowledgedAt,
            state: complaints.state,
          })
          .from(complaints)
          .where(inArray(complaints.requestNumber, rns))
      : [];
    const emergencies = new Map<string, TInboxComplaint>(
      rows
        .filter((r) => r.priority === 'emergency')
        .map((r) => [
          r.requestNumber,
          {
            alerts: r.state?.emergency?.alerts ?? 0,
            acknowledgedAt: r.acknowledgedAt?.toISOString() ?? r.state?.emergency?.acknowledgedAt ?? null,
            acknowledgedBy: r.state?.emergency?.acknowledgedBy ?? null,
            closed: r.status === 'closed',
          },
        ]),
    );
    // Just taken in charge here: the read model may not show it yet, the workflow does (one query).
    const justTaken = extra.acknowledged ? emergencies.get(extra.acknowledged) : undefined;
    if (justTaken && !justTaken.acknowledgedAt) {
      const e = await deps.temporal.workflow
        .getHandle(extra.acknowledged!)
        .query(complaintStatusQuery)
        .then((state) => state.emergency)
        .catch(() => undefined);
      if (e?.acknowledgedAt)
        emergencies.set(extra.acknowledged!, {
          ...justTaken,
          acknowledgedAt: e.acknowledgedAt,
          acknowledgedBy: e.acknowledgedBy ?? null,
        });
    }
    const mayAcknowledge = allowed(COMPLAINT_ACTIONS, principal.role).has('acknowledge');
    return html(
      c,
      <InboxPage
        page={await pageOf(c)}
        items={items}
        total={total}
        at={at}
        pageSize={pageSize}
        emergencies={emergencies}
        mayAcknowledge={mayAcknowledge}
        {...extra}
      />,
      status,
    );
  };

  app.get('/inbox', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    const acknowledged = c.req.query('acknowledged');
    return renderInbox(c, principal, {
      acknowledged: acknowledged && ZRequestNumber.safeParse(acknowledged).success ? acknowledged : undefined,
    });
  });

  /** Take charge of an emergency from its alert: the complaint's `acknowledge`, then the alert is read. */
  app.post('/inbox/:id/acknowledge', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    const id = c.req.param('id');
    const [item] = /^[0-9a-f-]{36}$/i.test(id)
      ? await deps.db
          .select()
          .from(staffInbox)
          .where(and(eq(staffInbox.id, id), eq(staffInbox.subject, principal.subject)))
      : [];
    const rn = item?.noticeKey.split('/')[0] ?? '';
    if (!item || !rn.startsWith('CR-'))
      throw new DomainProblem(FailureType.NotFound, `no emergency alert ${id} in your inbox`);
    const t = consoleTranslator(c.get('language'));
    const parsed = ZAcknowledge.safeParse({ note: (await c.req.parseBody()).note ?? '' });
    try {
      if (!parsed.success)
        throw new DomainProblem(FailureType.InvalidInput, t('failure.fields'), {
          errors: fieldErrors(parsed.error.issues),
        });
      await actOnComplaint(deps, principal, { requestNumber: rn, action: 'acknowledge', body: parsed.data });
    } catch (error) {
      const { status, ...failure } = failureOf(c, `ack-${id}`, error, 'reason');
      return renderInbox(c, principal, { failure }, status);
    }
    await markInboxRead(deps.db, principal.subject, id, now());
    return c.redirect(`/console/inbox?acknowledged=${rn}`, 303);
  });

  app.post('/inbox/:id/read', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    const id = c.req.param('id');
    const item = /^[0-9a-f-]{36}$/i.test(id)
      ? await markInboxRead(deps.db, principal.subject, id, now())
      : undefined;
    if (!item) throw new DomainProblem(FailureType.NotFound, `no alert ${id} in your inbox`);
    return c.redirect('/console/inbox', 303);
  });

  // ---------------- the agent desk ----------------
  /** Midnight in the utility's zone (where the desk's "today" is), as an instant. */
  const localDayStart = (at: Date) => localMidnight(at, deps.config.profile.utcOffsetMinutes);

  app.get('/desk', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    assertRole(principal, DESK_ROLES);
    const q = (c.req.query('q') ?? '').slice(0, 200);
    const at = Math.min(1000, Math.max(1, Number.parseInt(c.req.query('page') ?? '1', 10) || 1));
    const pageSize = 20;
    const view: TDeskView = {
      q,
      at,
      pageSize,
      contactsToday: await contactsTakenBy(deps.db, principal.subject, localDayStart(now())),
    };
    if (q.trim()) {
      try {
        view.found = await findCallers(deps, principal, { query: q, page: at, pageSize });
      } catch (error) {
        if (!DomainProblem.is(error, FailureType.InvalidInput)) throw error;
        view.error = consoleTranslator(c.get('language'))('desk.nothingToFind');
      }
      // A number names one consumer: straight to the caller.
      const only =
        view.found?.total === 1 && view.found.query.by !== 'name-address' ? view.found.items[0] : undefined;
      if (only) return c.redirect(`/console/desk/consumers/${only.consumerNumber}`, 303);
    }
    return html(c, <DeskPage page={await pageOf(c)} view={view} />, view.error ? 400 : 200);
  });

  const consumerNumberOf = (c: Context) => {
    const parsed = ZConsumerNumber.safeParse(c.req.param('cn'));
    if (!parsed.success) throw new DomainProblem(FailureType.NotFound, `no consumer ${c.req.param('cn')}`);
    return parsed.data;
  };

  const renderCaller = async (
    c: Context<ConsoleEnv>,
    principal: TPrincipal & { kind: 'staff' },
    consumerNumber: string,
    extra: { failure?: TFormFailure; registered?: { requestNumber: string; joined: boolean } } = {},
    status: ContentfulStatusCode = 200,
  ) => {
    const language = c.get('language');
    const [record, types, serviceTypes] = await Promise.all([
      openCaller(deps, principal, { consumerNumber }),
      listComplaintTypes(deps.db),
      listServiceTypes(deps.db),
    ]);
    const complaintTypes = types.map((x) => ({
      code: x.code,
      name: (language !== 'en' ? x.translations[language]?.name : undefined) ?? x.name,
    }));
    return html(
      c,
      <CallerPage
        page={await pageOf(c)}
        view={{ record, complaintTypes, serviceTypes, intakeKey: randomUUID(), ...extra }}
      />,
      status,
    );
  };

  app.get('/desk/consumers/:cn', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    const registered = c.req.query('registered');
    return renderCaller(c, principal, consumerNumberOf(c), {
      registered:
        registered && ZRequestNumber.safeParse(registered).success
          ? { requestNumber: registered, joined: c.req.query('joined') === '1' }
          : undefined,
    });
  });

  /** A complaint for the caller, through the one intake every channel uses; counted as a contact. */
  app.post('/desk/consumers/:cn/complaint', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    assertRole(principal, DESK_ROLES);
    const consumerNumber = consumerNumberOf(c);
    const form = await c.req.parseBody();
    const key =
      typeof form.intakeKey === 'string' && /^[0-9a-f-]{36}$/.test(form.intakeKey)
        ? form.intakeKey
        : randomUUID();
    let outcome;
    try {
      outcome = await registerComplaint(deps, principal, {
        type: typeof form.type === 'string' ? form.type : '',
        consumerNumber,
        channel: 'agent',
        description: typeof form.description === 'string' ? form.description.trim().slice(0, 2000) : '',
        intakeKey: `desk:${principal.subject}/${key}`,
      });
    } catch (error) {
      const { status, ...failure } = failureOf(c, 'complaint', error, 'reason');
      return renderCaller(c, principal, consumerNumber, { failure }, status);
    }
    await countDeskContact(deps, principal, consumerNumber, 'complaint', outcome.requestNumber);
    return c.redirect(
      `/console/desk/consumers/${consumerNumber}?registered=${outcome.requestNumber}${outcome.joined ? '&joined=1' : ''}`,
      303,
    );
  });

  /**
   * A service request for the caller: the type's eForm (drawn as the portal draws it), sent through
   * the one intake use case with the agent as principal, channel `agent`; counted as a contact.
   */
  const renderDeskRequest = async (
    c: Context<ConsoleEnv>,
    principal: TPrincipal & { kind: 'staff' },
    consumerNumber: string,
    view: Omit<TDeskRequestView, 'consumer' | 'types'>,
    status: ContentfulStatusCode = 200,
  ) => {
    assertRole(principal, DESK_ROLES);
    const [record, types] = await Promise.all([
      openCaller(deps, principal, { consumerNumber }),
      listServiceTypes(deps.db),
    ]);
    const consumer = { consumerNumber, name: record.account.name };
    return html(c, <DeskRequestPage page={await pageOf(c)} view={{ consumer, types, ...view }} />, status);
  };

  app.get('/desk/consumers/:cn/request', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    const code = c.req.query('type');
    const type = code ? await findServiceType(deps.db, code) : undefined;
    if (code && !type) throw new DomainProblem(FailureType.NotFound, `no service type ${code}`);
    return renderDeskRequest(c, principal, consumerNumberOf(c), {
      type,
      values: {},
      idempotencyKey: randomUUID(),
    });
  });

  app.post('/desk/consumers/:cn/request', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    assertRole(principal, DESK_ROLES);
    const consumerNumber = consumerNumberOf(c);
    const form = await c.req.parseBody({ all: true });
    const code = formText(form, 'type');
    const type = code ? await findServiceType(deps.db, code) : undefined;
    if (!type) throw new DomainProblem(FailureType.NotFound, `no service type ${code}`);
    const typed = typedEForm(type, form);
    const idempotencyKey = /^[\w-]{8,100}$/.test(formText(form, 'idempotencyKey'))
      ? formText(form, 'idempotencyKey')
      : randomUUID();
    // The documents the type requires come with the form as files (judged and stored with the request).
    const files = type.documents.flatMap((d) => {
      const file = formFile(form, `documents.${d.kind}`);
      return file ? [{ field: `documents.${d.kind}`, kind: d.kind, file }] : [];
    });
    try {
      const { replay, accepted } = await submitServiceRequest(deps, principal, {
        intake: {
          type: type.code,
          consumerNumber,
          channel: 'agent',
          form: eformValues(type.form, typed),
          documents: [],
        },
        idempotencyKey: `desk/${idempotencyKey}`,
        ...(files.length ? { attached: { eformField: '', fields: {}, files } } : {}),
      });
      // A double click's second submission is the same request: one contact.
      if (!replay) await countDeskContact(deps, principal, consumerNumber, 'request', accepted.requestNumber);
      return renderDeskRequest(c, principal, consumerNumber, {
        type,
        values: typed,
        idempotencyKey,
        submitted: { requestNumber: accepted.requestNumber, dueAt: accepted.dueAt, replay },
      });
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal || refusal.status === 403 || refusal.status === 404) throw error;
      const t = consoleTranslator(c.get('language'));
      const fields = eformFieldErrors(translator(c.get('language')), type, refusal.errors);
      const documents: Partial<Record<TDocumentKind, string>> = {};
      let other: string | undefined;
      for (const e of refusal.errors) {
        if (e.field.startsWith('form.')) continue;
        const kind = ZDocumentKind.safeParse(
          e.field === 'documents' ? kindInMessage(e.message) : /^documents\.([a-z-]+)$/.exec(e.field)?.[1],
        );
        if (kind.success)
          documents[kind.data] ??= e.field === 'documents' ? t('deskRequest.documentMissing') : e.message;
        else other ??= e.message;
      }
      return renderDeskRequest(
        c,
        principal,
        consumerNumber,
        {
          type,
          values: typed,
          idempotencyKey,
          errors: {
            fields,
            documents,
            form:
              refusal.errors.length === 0 || other
                ? t('failure.refused', { reason: other ?? refusal.message })
                : undefined,
          },
        },
        refusal.status,
      );
    }
  });

  // ---------------- the dispatcher's outages ----------------
  const renderOutages = async (
    c: Context<ConsoleEnv>,
    principal: TPrincipal & { kind: 'staff' },
    extra: Pick<TOutagesView, 'failure' | 'done' | 'form'> = {},
    status: ContentfulStatusCode = 200,
  ) => {
    const [network, open] = await Promise.all([
      officeNetwork(deps, principal),
      listOpenOutages(deps, principal),
    ]);
    const counts = open.length
      ? await deps.db
          .select({ id: outageComplaints.outageId, n: count() })
          .from(outageComplaints)
          .where(
            inArray(
              outageComplaints.outageId,
              open.map((o) => o.id),
            ),
          )
          .groupBy(outageComplaints.outageId)
      : [];
    return html(
      c,
      <OutagesPage
        page={await pageOf(c)}
        view={{ network, open, linked: new Map(counts.map((r) => [r.id, r.n])), ...extra }}
      />,
      status,
    );
  };

  const outageDone = (c: Context): TOutagesView['done'] => {
    for (const action of ['registered', 'etr', 'restored'] as const) {
      const id = c.req.query(action);
      if (id && /^OUT-[0-9A-Za-z-]{1,40}$/.test(id)) return { action, id };
    }
    return undefined;
  };

  app.get('/outages', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    assertRole(principal, DISPATCH_ROLES);
    return renderOutages(c, principal, { done: outageDone(c) });
  });

  /** An outage refused by the use case or its schema: the page again, the refusal next to the form. */
  const outageRefused = async (
    c: Context<ConsoleEnv>,
    principal: TPrincipal & { kind: 'staff' },
    form: string,
    error: unknown,
    values?: TOutagesView['form'],
  ) => {
    const { status, ...failure } = failureOf(c, form, error);
    return renderOutages(c, principal, { failure, form: values }, status);
  };

  app.post('/outages', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    assertRole(principal, DISPATCH_ROLES);
    const form = await c.req.parseBody({ all: true });
    const one = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
    const list = (v: unknown) =>
      (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');
    const kind = one(form.kind);
    const instant = (name: string) =>
      one(form[name]) ? { [name]: localInstant(form[name], deps.config.profile.utcOffsetMinutes) } : {};
    const body = {
      kind,
      feederIds: list(form.feederIds),
      transformerIds: list(form.transformerIds),
      reason: one(form.reason),
      // Only the times of the kind chosen: the other kind's boxes may still hold something.
      ...(kind === 'planned' ? { ...instant('startsAt'), ...instant('endsAt') } : instant('etr')),
    };
    const values = {
      kind,
      feederIds: body.feederIds,
      transformerIds: body.transformerIds,
      reason: body.reason,
      etr: one(form.etr),
      startsAt: one(form.startsAt),
      endsAt: one(form.endsAt),
    };
    try {
      const parsed = ZOutageRegistration.safeParse(body);
      if (!parsed.success)
        throw new DomainProblem(FailureType.InvalidInput, 'invalid fields', {
          errors: fieldErrors(parsed.error.issues),
        });
      const outage = await registerOutage(deps, principal, parsed.data);
      return c.redirect(`/console/outages?registered=${outage.id}`, 303);
    } catch (error) {
      return outageRefused(c, principal, 'register', error, values);
    }
  });

  const outageIdOf = (c: Context) => {
    const id = c.req.param('id') ?? '';
    if (!/^OUT-[0-9A-Za-z-]{1,40}$/.test(id))
      throw new DomainProblem(FailureType.NotFound, `no outage ${id}`);
    return id;
  };

  app.post('/outages/:id/etr', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    const id = outageIdOf(c);
    const form = await c.req.parseBody();
    try {
      const etr = localInstant(form.etr, deps.config.profile.utcOffsetMinutes);
      if (!etr || Number.isNaN(Date.parse(etr)))
        throw new DomainProblem(FailureType.InvalidInput, 'invalid fields', {
          errors: [{ field: 'etr', message: 'required' }],
        });
      await changeOutageEtr(deps, principal, { id, etr });
    } catch (error) {
      return outageRefused(c, principal, `etr-${id}`, error);
    }
    return c.redirect(`/console/outages?etr=${id}`, 303);
  });

  app.post('/outages/:id/restore', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    const id = outageIdOf(c);
    try {
      await restoreOutage(deps, principal, { id });
    } catch (error) {
      return outageRefused(c, principal, `restore-${id}`, error);
    }
    return c.redirect(`/console/outages?restored=${id}`, 303);
  });

  // ---------------- the KPIs (#17) ----------------
  const KPI_FIELDS = ['from', 'to', 'officeId', 'granularity', 'type'] as const;
  /** The filters as sent (only the KPI query's own fields, so a stray parameter refuses nothing). */
  const kpiQueryOf = (c: Context) =>
    Object.fromEntries(KPI_FIELDS.map((k) => [k, c.req.query(k)?.slice(0, 100)])) as Record<
      string,
      string | undefined
    >;
  app.get('/kpis', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    assertRole(principal, KPI_ROLES);
    const language = c.get('language');
    const raw = kpiQueryOf(c);
    const offset = deps.config.profile.utcOffsetMinutes;
    const localDate = (at: number) => new Date(at + offset * 60_000).toISOString().slice(0, 10);
    const [officeList, serviceTypes, complaintTypes] = await Promise.all([
      kpiOffices(deps, principal),
      listServiceTypes(deps.db),
      listComplaintTypes(deps.db),
    ]);
    const named = (
      list: { code: string; name: string; translations: Partial<Record<TLanguage, { name?: string }>> }[],
    ) =>
      new Map(
        list.map((x) => [x.code, (language !== 'en' ? x.translations[language]?.name : undefined) ?? x.name]),
      );
    const names = { request: named(serviceTypes), complaint: named(complaintTypes) };
    const today = now().getTime();
    const view: TKpisView = {
      form: {
        from: raw.from ?? localDate(today - 29 * 86_400_000),
        to: raw.to ?? localDate(today),
        officeId: raw.officeId ?? '',
        granularity: raw.granularity ?? 'day',
      },
      offices: officeList.map((o) => ({ id: o.id, name: o.name })),
      query: new URLSearchParams(
        Object.entries(raw).filter((e): e is [string, string] => Boolean(e[1])),
      ).toString(),
      timeZone: deps.config.profile.timeZone,
      typeName: (kind, code) => (kind === 'request' ? names.request : names.complaint).get(code) ?? code,
      officeName: (id) => officeList.find((o) => o.id === id)?.name ?? id,
    };
    try {
      // The dashboard's default: the last 30 days, today included, by day.
      const q = parseKpiQuery({ ...raw, from: view.form.from, to: view.form.to });
      view.figures = await allKpis(deps, principal, q);
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal || refusal.status !== 400) throw error;
      const t = consoleTranslator(language);
      view.failure = { form: 'kpis', message: t('kpis.badFilters'), errors: refusal.errors };
      return html(c, <KpisPage page={await pageOf(c)} view={view} />, 400);
    }
    return html(c, <KpisPage page={await pageOf(c)} view={view} />);
  });
  app.get('/kpis/:file', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    const name = c.req.param('file').replace(/\.csv$/, '') as TKpiName;
    if (!c.req.param('file').endsWith('.csv') || !KPI_NAMES.includes(name))
      throw new DomainProblem(FailureType.NotFound, `no KPI ${c.req.param('file')}`);
    let q: TKpiQuery;
    let result: unknown;
    try {
      q = parseKpiQuery(kpiQueryOf(c));
      result = await (KPI_READERS[name] as (d: typeof deps, p: TPrincipal, q: TKpiQuery) => Promise<unknown>)(
        deps,
        principal,
        q,
      );
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal || refusal.status !== 400) throw error;
      return c.text(refusal.errors.map((e) => `${e.field}: ${e.message}`).join('\n') || refusal.message, 400);
    }
    const table = (KPI_TABLES[name] as (k: unknown) => Record<string, TCell>[])(result);
    return c.body(toCsv(KPI_COLUMNS[name], table), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="kpi-${name}.csv"`,
      'cache-control': 'no-store',
    });
  });

  // ---------------- outage campaigns and the call list ----------------
  const renderCampaigns = async (
    c: Context<ConsoleEnv>,
    principal: TPrincipal & { kind: 'staff' },
    extra: Pick<TCampaignsView, 'failure' | 'done'> & { campaignId?: string } = {},
    status: ContentfulStatusCode = 200,
  ) => {
    const canCall = (CALL_LIST_ROLES as readonly string[]).includes(principal.role);
    const canCompose = (CAMPAIGN_COMPOSE_ROLES as readonly string[]).includes(principal.role);
    const [campaign, list, calls] = await Promise.all([
      extra.campaignId ? readCampaign(deps, principal, { id: extra.campaignId }) : undefined,
      extra.campaignId ? [] : listCampaigns(deps, principal),
      canCall
        ? listCallList(deps, principal, { campaignId: extra.campaignId, done: Boolean(extra.campaignId) })
        : [],
    ]);
    return html(
      c,
      <CampaignsPage
        page={await pageOf(c)}
        view={{
          campaigns: list,
          campaign,
          calls,
          canCall,
          canCompose,
          outage: campaign?.outageId
            ? (await deps.db.select().from(outages).where(eq(outages.id, campaign.outageId)))[0]
            : undefined,
          failure: extra.failure,
          done: extra.done,
        }}
      />,
      status,
    );
  };
  const campaignIdOf = (v: string | undefined) => {
    if (!v || !/^(OUT|MC|DR)-[0-9A-Za-z-]{1,60}$/.test(v))
      throw new DomainProblem(FailureType.NotFound, `no campaign ${v}`);
    return v;
  };
  /** The campaign page a call-list form was sent from, if any (only a campaign id). */
  const campaignOfForm = (form: Record<string, unknown>) =>
    typeof form.campaign === 'string' && /^(OUT|MC)-[0-9A-Za-z-]{1,60}$/.test(form.campaign)
      ? form.campaign
      : undefined;
  const backTo = (form: Record<string, unknown>) => {
    const id = campaignOfForm(form);
    return id ? `/console/campaigns/${id}` : '/console/campaigns';
  };

  app.get('/campaigns', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    assertRole(principal, CAMPAIGN_READ_ROLES);
    // Only a consumer number is shown back from the query (no words of a crafted link).
    const done = (['claimed', 'recorded'] as const).find((a) => /^\d{13}$/.test(c.req.query(a) ?? ''));
    return renderCampaigns(
      c,
      principal,
      done ? { done: { action: done, consumer: c.req.query(done)! } } : {},
    );
  });
  // ---- manual campaigns: compose, preview, launch; cancel; a planned outage moved or called off ----
  const renderNewCampaign = async (
    c: Context<ConsoleEnv>,
    principal: TPrincipal & { kind: 'staff' },
    extra: Pick<TNewCampaignView, 'failure' | 'preview' | 'form'>,
    status: ContentfulStatusCode = 200,
  ) => {
    const scope = await queueScope(deps.db, principal, undefined);
    const within = scope ? (await scope.within).map((o) => o.id) : undefined;
    const [network, officeRows] = await Promise.all([
      officeNetwork(deps, principal),
      deps.db
        .select({ id: offices.id, name: offices.name })
        .from(offices)
        .where(within ? inArray(offices.id, within) : undefined)
        .orderBy(offices.path),
    ]);
    const languages = deps.config.profile.languages.offered.filter(isLanguage);
    return html(
      c,
      <NewCampaignPage page={await pageOf(c)} view={{ offices: officeRows, network, languages, ...extra }} />,
      status,
    );
  };
  app.get('/campaigns/new', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    assertRole(principal, CAMPAIGN_COMPOSE_ROLES);
    return renderNewCampaign(c, principal, { form: { launchKey: randomUUID() } });
  });
  app.post('/campaigns/new', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    assertRole(principal, CAMPAIGN_COMPOSE_ROLES);
    const form = await c.req.parseBody({ all: true });
    const one = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
    const list = (v: unknown) =>
      (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');
    // Consumer numbers pasted or uploaded (a text or CSV file: every number-like cell).
    const file = form.numbersFile;
    const uploaded = file instanceof File && file.size > 0 && file.size <= 5_000_000 ? await file.text() : '';
    const numbers = `${one(form.consumerNumbers)}\n${uploaded}`
      .split(/[\s,;"]+/)
      .filter((x) => /\d/.test(x) && x.length <= 40);
    const languages = deps.config.profile.languages.offered.filter(isLanguage);
    const text: Record<string, string> = {};
    for (const l of languages) if (one(form[`text.${l}`])) text[l] = one(form[`text.${l}`]);
    const launchKey = /^[0-9a-f-]{36}$/.test(one(form.launchKey)) ? one(form.launchKey) : randomUUID();
    const values: Record<string, string | string[]> = {
      launchKey,
      title: one(form.title),
      template: one(form.template),
      channel: one(form.channel),
      scheduledAt: one(form.scheduledAt),
      urgent: one(form.urgent),
      officeIds: list(form.officeIds),
      feederIds: list(form.feederIds),
      transformerIds: list(form.transformerIds),
      consumerNumbers: one(form.consumerNumbers),
      ...Object.fromEntries(languages.map((l) => [`text.${l}`, one(form[`text.${l}`])])),
    };
    const input: TManualCampaignRequest = {
      title: one(form.title),
      template: one(form.template) as TManualCampaignRequest['template'],
      targets: {
        officeIds: list(form.officeIds),
        feederIds: list(form.feederIds),
        transformerIds: list(form.transformerIds),
        consumerNumbers: numbers,
      },
      ...(one(form.template) === 'campaign-message' ? { text } : {}),
      channel: (one(form.channel) || 'preferred') as TManualCampaignRequest['channel'],
      ...(one(form.scheduledAt)
        ? { scheduledAt: localInstant(form.scheduledAt, deps.config.profile.utcOffsetMinutes) }
        : {}),
      urgent: one(form.urgent) === 'yes',
    };
    try {
      if (one(form.action) === 'preview')
        return renderNewCampaign(c, principal, {
          form: values,
          preview: await previewManualCampaign(deps, principal, input),
        });
      const made = await createManualCampaign(deps, principal, input, `console:${launchKey}`);
      return c.redirect(`/console/campaigns/${made.campaign.id}?launched=1`, 303);
    } catch (error) {
      const { status, ...failure } = failureOf(c, 'compose', error);
      return renderNewCampaign(c, principal, { form: values, failure }, status);
    }
  });

  /** A refused cancel or reschedule: the campaign page again, the refusal by the form. */
  const actionRefused = async (
    c: Context<ConsoleEnv>,
    principal: TPrincipal & { kind: 'staff' },
    campaignId: string,
    form: 'cancel' | 'reschedule',
    error: unknown,
  ) => {
    const { status, ...failure } = failureOf(c, form, error);
    return renderCampaigns(c, principal, { campaignId, failure }, status);
  };
  app.post('/campaigns/:id/cancel', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    const id = campaignIdOf(c.req.param('id'));
    try {
      if (id.startsWith('OUT-')) await cancelOutage(deps, principal, { id });
      else await cancelManualCampaign(deps, principal, { id });
    } catch (error) {
      return actionRefused(c, principal, id, 'cancel', error);
    }
    return c.redirect(`/console/campaigns/${id}?cancelled=1`, 303);
  });
  app.post('/campaigns/:id/reschedule', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    const id = campaignIdOf(c.req.param('id'));
    const form = await c.req.parseBody();
    try {
      const at = (name: string) => {
        const v = localInstant(form[name], deps.config.profile.utcOffsetMinutes);
        if (!v || Number.isNaN(Date.parse(v)))
          throw new DomainProblem(FailureType.InvalidInput, 'invalid fields', {
            errors: [{ field: name, message: 'required' }],
          });
        return v;
      };
      await rescheduleOutage(deps, principal, { id, startsAt: at('startsAt'), endsAt: at('endsAt') });
    } catch (error) {
      return actionRefused(c, principal, id, 'reschedule', error);
    }
    return c.redirect(`/console/campaigns/${id}?rescheduled=1`, 303);
  });

  app.get('/campaigns/:id', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    // Only a consumer number is shown back from the query (no words of a crafted link).
    const done = (['claimed', 'recorded'] as const).find((a) => /^\d{13}$/.test(c.req.query(a) ?? ''));
    const acted = (['launched', 'cancelled', 'rescheduled'] as const).find((a) => c.req.query(a) === '1');
    return renderCampaigns(c, principal, {
      campaignId: campaignIdOf(c.req.param('id')),
      ...(done
        ? { done: { action: done, consumer: c.req.query(done)! } }
        : acted
          ? { done: { action: acted } }
          : {}),
    });
  });

  const callRefused = async (
    c: Context<ConsoleEnv>,
    principal: TPrincipal & { kind: 'staff' },
    entry: string,
    campaignId: string | undefined,
    error: unknown,
  ) => {
    const { status, ...failure } = failureOf(c, `call-${entry}`, error);
    return renderCampaigns(c, principal, { campaignId, failure }, status);
  };
  const entryOf = (c: Context) => {
    const id = c.req.param('id') ?? '';
    if (!/^(OUT|MC)-[0-9A-Za-z-]{1,60}\.[a-z0-9-]{1,40}\.\d{13}$/.test(id))
      throw new DomainProblem(FailureType.NotFound, `no call-list entry ${id}`);
    return id;
  };

  app.post('/call-list/:id/claim', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    const id = entryOf(c);
    const form = await c.req.parseBody();
    try {
      const entry = await claimCallEntry(deps, principal, { id });
      return c.redirect(`${backTo(form)}?claimed=${entry.consumerNumber}#call-list`, 303);
    } catch (error) {
      return callRefused(c, principal, id, campaignOfForm(form), error);
    }
  });
  app.post('/call-list/:id/outcome', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    const id = entryOf(c);
    const form = await c.req.parseBody();
    try {
      const entry = await recordCallOutcome(deps, principal, {
        id,
        outcome: (typeof form.outcome === 'string' ? form.outcome : '') as TCallOutcome,
        note: typeof form.note === 'string' ? form.note : undefined,
      });
      return c.redirect(`${backTo(form)}?recorded=${entry.consumerNumber}#call-list`, 303);
    } catch (error) {
      return callRefused(c, principal, id, campaignOfForm(form), error);
    }
  });

  // ---------------- repair (ops, admin) ----------------
  addRepairPages(app, deps, { staffOf, toSignIn, pageOf, html, refusalOf });
  // ---------------- corporate bulk payments (CSC) ----------------
  const BATCH_ID = /^BP-[0-9A-F]{20}$/;
  const batchIdOf = (c: Context) => {
    const id = c.req.param('id') ?? '';
    if (!BATCH_ID.test(id)) throw new DomainProblem(FailureType.NotFound, `no bulk payment ${id}`);
    return id;
  };
  const pageNumber = (v: string | undefined) =>
    Math.min(10_000, Math.max(1, Number.parseInt(v ?? '1', 10) || 1));
  const renderBulkList = async (
    c: Context<ConsoleEnv>,
    principal: TPrincipal & { kind: 'staff' },
    extra: Pick<TBulkListView, 'failure' | 'values'> = { values: {} },
    status: ContentfulStatusCode = 200,
  ) => {
    const at = pageNumber(c.req.query('page'));
    const pageSize = 20;
    const [list, corporates] = await Promise.all([
      listBulkPaymentBatches(deps, principal, { page: at, pageSize }),
      listUploadCorporates(deps, principal),
    ]);
    return html(
      c,
      <BulkPaymentsPage
        page={await pageOf(c)}
        view={{ batches: list.items, total: list.total, at, pageSize, corporates, ...extra }}
      />,
      status,
    );
  };
  const renderBatch = async (
    c: Context<ConsoleEnv>,
    principal: TPrincipal & { kind: 'staff' },
    id: string,
    extra: Pick<TBulkBatchView, 'failure' | 'done'> = {},
    status: ContentfulStatusCode = 200,
  ) => {
    const requested = c.req.query('lines');
    const filter =
      (['all', 'exception', 'ready', 'posted', 'reversed'] as const).find((f) => f === requested) ?? 'all';
    const at = pageNumber(c.req.query('page'));
    const pageSize = 50;
    const batch = await readBulkPaymentBatch(deps, principal, { id, lines: filter, page: at, pageSize });
    return html(
      c,
      <BulkPaymentPage
        page={await pageOf(c)}
        view={{
          batch,
          lines: batch.lines,
          filter,
          at,
          pageSize,
          canApprove: (BULK_APPROVER_ROLES as readonly string[]).includes(principal.role),
          isUploader: batch.uploadedBy === principal.subject,
          canReverse:
            (REVERSAL_ROLES as readonly string[]).includes(principal.role) && batch.status === 'posted',
          formKey: randomUUID(),
          ...extra,
        }}
      />,
      status,
    );
  };

  app.get('/bulk-payments', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    return renderBulkList(c, principal);
  });
  app.post('/bulk-payments', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    const form = await c.req.parseBody();
    const text = (k: string) => (typeof form[k] === 'string' && form[k].trim() ? form[k].trim() : undefined);
    const values = {
      corporateId: text('corporateId'),
      reference: text('reference'),
      paymentDate: text('paymentDate'),
    };
    try {
      const missing = (['payerList', 'statement'] as const).filter(
        (k) => !(form[k] instanceof File) || form[k].size === 0,
      );
      if (missing.length)
        throw new DomainProblem(FailureType.InvalidInput, 'attach both files', {
          errors: missing.map((field) => ({
            field,
            message: consoleTranslator(c.get('language'))(`bulk.missing-${field}`),
          })),
        });
      if (values.paymentDate && !/^\d{4}-\d{2}-\d{2}$/.test(values.paymentDate))
        throw new DomainProblem(FailureType.InvalidInput, 'the payment date is not a date', {
          errors: [{ field: 'paymentDate', message: 'YYYY-MM-DD' }],
        });
      const { created, batch } = await uploadBulkPayment(deps, principal, {
        corporateId: values.corporateId ?? '',
        ...(values.reference ? { reference: values.reference.slice(0, 64) } : {}),
        ...(values.paymentDate ? { paymentDate: values.paymentDate } : {}),
        payerList: new Uint8Array(await (form.payerList as File).arrayBuffer()),
        statement: new Uint8Array(await (form.statement as File).arrayBuffer()),
      });
      return c.redirect(`/console/bulk-payments/${batch.id}?${created ? 'uploaded' : 'same'}`, 303);
    } catch (error) {
      const { status, ...failure } = failureOf(c, 'upload', error);
      return renderBulkList(c, principal, { failure, values }, status);
    }
  });
  app.get('/bulk-payments/:id', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    const done = (['uploaded', 'approved', 'reversed', 'same'] as const).find(
      (d) => c.req.query(d) !== undefined,
    );
    return renderBatch(c, principal, batchIdOf(c), done ? { done } : {});
  });
  app.post('/bulk-payments/:id/approve', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    const id = batchIdOf(c);
    try {
      await approveBulkPayment(deps, principal, { id });
      return c.redirect(`/console/bulk-payments/${id}?approved`, 303);
    } catch (error) {
      const { status, ...failure } = failureOf(c, 'approve', error);
      return renderBatch(c, principal, id, { failure }, status);
    }
  });
  app.post('/bulk-payments/:id/lines/:lineNo/reverse', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    const id = batchIdOf(c);
    const lineNo = Number.parseInt(c.req.param('lineNo'), 10);
    const form = await c.req.parseBody();
    const formKey =
      typeof form.formKey === 'string' && /^[0-9a-f-]{36}-\d+$/.test(form.formKey)
        ? form.formKey
        : randomUUID();
    try {
      await reverseBulkPaymentLine(deps, principal, {
        id,
        lineNo: Number.isSafeInteger(lineNo) ? lineNo : 0,
        reason: typeof form.reason === 'string' ? form.reason : '',
        requestKey: `console:${formKey}`,
      });
      return c.redirect(`/console/bulk-payments/${id}?reversed&lines=reversed`, 303);
    } catch (error) {
      const { status, ...failure } = failureOf(c, 'reverse', error);
      return renderBatch(c, principal, id, { failure }, status);
    }
  });
  app.get('/bulk-payments/:id/report.csv', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    const { filename, csv } = await bulkPaymentReportCsv(deps, principal, { id: batchIdOf(c) });
    return c.body(csv, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'no-store',
    });
  });
  app.get('/bulk-payments/:id/report.pdf', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    const { filename, pdf } = await bulkPaymentReportPdf(deps, principal, {
      id: batchIdOf(c),
      language: c.get('language'),
    });
    return c.body(new Uint8Array(pdf), 200, {
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'no-store',
    });
  });

  // ---------------- signing key ----------------
  app.get('/key', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    const t = consoleTranslator(c.get('language'));
    const keys = await listSigningKeys(deps.db, principal.subject);
    return html(
      c,
      <KeyPage
        page={await pageOf(c)}
        keys={keys}
        notice={c.req.query('revoked') !== undefined ? t('key.revokedNotice') : undefined}
      />,
    );
  });

  /** The page's script enrols this browser's public key: the same rules as POST /v1/signing-keys. */
  app.post('/key', async (c) => {
    const principal = staffOf(c);
    if (!principal) return c.json({ error: 'signed out' }, 401);
    const form = await c.req.parseBody();
    try {
      const { key, created } = await enrolSigningKey(deps, principal, {
        publicKey: typeof form.publicKey === 'string' ? form.publicKey : '',
        label: typeof form.label === 'string' && form.label.trim() ? form.label.trim().slice(0, 100) : null,
      });
      return c.json({ keyId: key.keyId, registeredAt: key.registeredAt.toISOString() }, created ? 201 : 200);
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal) throw error;
      return c.json({ error: refusal.message }, refusal.status);
    }
  });

  app.post('/key/:keyId/revoke', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    await revokeSigningKeyOf(deps, principal, c.req.param('keyId'));
    return c.redirect('/console/key?revoked', 303);
  });

  return app;
}
