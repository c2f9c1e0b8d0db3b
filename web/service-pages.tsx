/** @jsxImportSource hono/jsx */
import { randomUUID } from 'node:crypto';
import type { Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppDeps } from '../api/types';
import { findComplaintType, findServiceType, listComplaintTypes, listServiceTypes } from '../db/catalogue';
import { latestReceipt, receiptHeaders } from '../db/receipts';
import { ZDocumentKind, type TDocumentKind, type TServiceType } from '../domain/catalogue';
import { FailureType, type TFieldError } from '../domain/failures';
import type { TDocumentRef } from '../domain/service-request';
import { actOnComplaint } from '../use-cases/act-on-complaint';
import { readComplaint } from '../use-cases/complaints';
import { decideServiceRequest } from '../use-cases/decide-service-request';
import { registerComplaint } from '../use-cases/register-complaint';
import { authoriseServiceRequest, readServiceRequest } from '../use-cases/service-requests';
import { submitServiceRequest } from '../use-cases/submit-service-request';
import { readUploadFields, uploadDocument } from '../use-cases/upload-document';
import { documentNote, serviceTypeName } from './catalogue-words';
import { eformFieldErrors, eformValues, formFile, formText, kindInMessage, typedEForm } from './eform';
import type { WebEnv } from './env';
import type { TPage } from './layout';
import { ApplyFormPage, ApplyListPage, SubmittedPage, type TApplyErrors } from './pages/apply';
import { ComplaintPage, NewComplaintPage, type TComplaintErrors } from './pages/complaint';
import { UploadAnswer, type TDocumentSlot } from './pages/documents';
import { RequestPage, type TRequestFlash } from './pages/request';
import { isNotFound, reasonWords, refusalOf, type TRefusal } from './refusals';

type TTools = {
  page: (c: Context<WebEnv>, path?: string) => TPage;
  htmlPage: (c: Context, element: unknown, status?: ContentfulStatusCode) => Response;
  fragment: (c: Context, element: unknown, status?: ContentfulStatusCode) => Response;
  errorPage: (c: Context<WebEnv>, status: ContentfulStatusCode, key: string) => Response | Promise<Response>;
};

type TForm = Record<string, string | File | (string | File)[]>;
const text = formText;
const fileOf = formFile;

/**
 * The pages of applying for a service, tracking a request and raising a complaint. Every rule is
 * the use case's (submit, upload, decide, register, act, read); the pages turn forms into their
 * input and their refusals into words next to the fields.
 */
export function addServicePages(app: Hono<WebEnv>, deps: AppDeps, tools: TTools) {
  const { page, htmlPage, fragment, errorPage } = tools;
  const signedIn = (c: Context<WebEnv>) => c.get('portalSession')?.consumerNumbers;
  const principal = (c: Context<WebEnv>) => c.get('principal');

  /** The slots of a type's documents, with what this form post carried for each. */
  const slotsOf = (c: Context<WebEnv>, type: TServiceType, form?: TForm): TDocumentSlot[] =>
    type.documents.map((d) => {
      const documentId = form ? text(form, `documentId.${d.kind}`) : '';
      return {
        kind: d.kind,
        required: d.required,
        note: documentNote(type, d.kind, page(c).language),
        ...(documentId
          ? {
              uploaded: {
                documentId,
                fileName: text(form!, `fileName.${d.kind}`) || documentId.slice(0, 12),
              },
            }
          : {}),
      };
    });

  /** A refusal of an upload as the slot shows it: the share code asked for, or why the file was refused. */
  const refusedSlot = (
    t: TPage['t'],
    slot: TDocumentSlot,
    file: File,
    refusal: TRefusal,
    shareCodeSent: boolean,
  ) => {
    const codeErrors = refusal.errors.filter((e) => /(^|\.)shareCode$/.test(e.field));
    const others = refusal.errors
      .filter((e) => !/(^|\.)shareCode$/.test(e.field))
      .map((e) => reasonWords(t, e));
    const reasons = others.length ? others : codeErrors.length ? [] : [refusal.message];
    return {
      ...slot,
      uploaded: undefined,
      refused: {
        fileName: file.name || 'upload',
        reasons:
          codeErrors.length && !reasons.length
            ? [t(shareCodeSent ? 'apply.shareCodeWrong' : 'apply.shareCodeNeeded')]
            : reasons,
      },
      ...(codeErrors.length
        ? { shareCode: { error: shareCodeSent ? reasonWords(t, codeErrors[0]!) : t('apply.shareCodeNeeded') } }
        : {}),
    };
  };

  // ---------------- one document, uploaded from a form (htmx) ----------------
  app.post('/upload/:kind', async (c) => {
    const numbers = signedIn(c);
    if (!numbers) return c.body(null, 200, { 'hx-redirect': '/' });
    const kind = ZDocumentKind.safeParse(c.req.param('kind'));
    if (!kind.success) return errorPage(c, 404, 'errors.notFound');
    const t = page(c).t;
    const form: TForm = await c.req.parseBody({ all: true });
    const shareCode = text(form, `shareCode.${kind.data}`).trim();
    let slot: TDocumentSlot = { kind: kind.data, required: true, ...(shareCode ? { shareCode: {} } : {}) };
    const file = fileOf(form, `documents.${kind.data}`);
    if (!file)
      return fragment(
        c,
        <UploadAnswer
          page={page(c)}
          slot={{ ...slot, refused: { fileName: '', reasons: [t('apply.noFile')] } }}
        />,
        400,
      );
    const fields = readUploadFields({ consumerNumber: numbers[0], kind: kind.data, shareCode });
    if (!fields.success)
      return fragment(
        c,
        <UploadAnswer
          page={page(c)}
          slot={{
            ...slot,
            refused: { fileName: file.name, reasons: [t('apply.shareCodeInvalid')] },
            shareCode: { error: t('apply.shareCodeInvalid') },
          }}
        />,
        400,
      );
    try {
      const { document } = await uploadDocument(deps, principal(c), { ...fields.data, file });
      slot = {
        ...slot,
        shareCode: undefined,
        uploaded: {
          documentId: document.documentId,
          fileName: document.fileName,
          checks: document.verdict.checks,
          ekyc: document.ekyc,
        },
      };
      return fragment(c, <UploadAnswer page={page(c)} slot={slot} />);
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal || isNotFound(refusal)) throw error;
      return fragment(
        c,
        <UploadAnswer page={page(c)} slot={refusedSlot(t, slot, file, refusal, Boolean(shareCode))} />,
        422,
      );
    }
  });

  // ---------------- apply ----------------
  app.get('/apply', async (c) => {
    if (!signedIn(c)) return c.redirect('/', 303);
    return htmlPage(c, <ApplyListPage page={page(c)} types={await listServiceTypes(deps.db)} />);
  });

  app.get('/apply/:code', async (c) => {
    if (!signedIn(c)) return c.redirect('/', 303);
    const type = await findServiceType(deps.db, c.req.param('code'));
    if (!type) return errorPage(c, 404, 'errors.notFound');
    return htmlPage(
      c,
      <ApplyFormPage
        page={page(c)}
        type={type}
        values={{}}
        slots={slotsOf(c, type)}
        idempotencyKey={randomUUID()}
      />,
    );
  });

  app.post('/apply/:code', async (c) => {
    const numbers = signedIn(c);
    if (!numbers) return c.redirect('/', 303);
    const type = await findServiceType(deps.db, c.req.param('code'));
    if (!type) return errorPage(c, 404, 'errors.notFound');
    const p = page(c);
    const { t, language } = p;
    const form: TForm = await c.req.parseBody({ all: true });
    const typed = typedEForm(type, form);
    const slots = slotsOf(c, type, form);
    const idempotencyKey = /^[\w-]{8,100}$/.test(text(form, 'idempotencyKey'))
      ? text(form, 'idempotencyKey')
      : randomUUID();
    const documents: TDocumentRef[] = slots.flatMap((s) =>
      s.uploaded
        ? [{ documentId: s.uploaded.documentId, kind: s.kind, fileName: s.uploaded.fileName.slice(0, 200) }]
        : [],
    );
    // Without script, the files come with the form: the use case judges and stores them with the request.
    const files = slots.flatMap((s) => {
      const file = s.uploaded ? undefined : fileOf(form, `documents.${s.kind}`);
      return file ? [{ field: `documents.${s.kind}`, kind: s.kind, file }] : [];
    });
    const shareCode = type.documents.map((d) => text(form, `shareCode.${d.kind}`).trim()).find(Boolean);
    try {
      const { replay, accepted } = await submitServiceRequest(deps, principal(c), {
        intake: {
          type: type.code,
          consumerNumber: numbers[0]!,
          channel: 'web',
          form: eformValues(type.form, typed),
          documents,
        },
        idempotencyKey,
        ...(files.length
          ? { attached: { eformField: '', fields: shareCode ? { shareCode } : {}, files } }
          : {}),
      });
      const path = `/requests/${accepted.requestNumber}`;
      c.header('hx-push-url', path);
      return htmlPage(
        c,
        <SubmittedPage
          page={page(c, path)}
          service={serviceTypeName(type, language)}
          requestNumber={accepted.requestNumber}
          dueAt={accepted.dueAt}
          replay={replay}
        />,
      );
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal || isNotFound(refusal)) throw error;
      const errors: TApplyErrors = { fields: eformFieldErrors(t, type, refusal.errors) };
      const bySlot = new Map<TDocumentKind, string>();
      for (const e of refusal.errors) {
        if (e.field.startsWith('form.')) continue;
        if (e.field === 'documents') {
          const kind = kindInMessage(e.message);
          if (kind) bySlot.set(kind, t('apply.documentMissing'));
          else errors.form = e.message;
        } else {
          // documents.<i>.… of the cited ones, documents.<kind> / shareCode of the attached files
          const cited = /^documents\.(\d+)\./.exec(e.field);
          const kind = cited
            ? documents[Number(cited[1])]?.kind
            : ((/^documents\.([a-z-]+)$/.exec(e.field)?.[1] as TDocumentKind | undefined) ?? files[0]?.kind);
          if (kind) bySlot.set(kind, cited ? t('apply.documentAgain') : reasonWords(t, e));
        }
      }
      if (refusal.errors.length === 0)
        errors.form = refusal.type === FailureType.Unprocessable ? t('apply.keyReused') : refusal.message;
      const shown = slots.map((s) => {
        const error = bySlot.get(s.kind);
        return error ? { ...s, uploaded: undefined, error } : s;
      });
      return htmlPage(
        c,
        <ApplyFormPage
          page={p}
          type={type}
          values={typed}
          slots={shown}
          idempotencyKey={idempotencyKey}
          errors={errors}
        />,
        400,
      );
    }
  });

  // ---------------- track a request ----------------
  const requestPage = async (
    c: Context<WebEnv>,
    rn: string,
    options: { flash?: TRequestFlash; slots?: TDocumentSlot[]; status?: ContentfulStatusCode } = {},
  ) => {
    const state = await readServiceRequest(deps, principal(c), rn);
    const type = await findServiceType(deps.db, state.typeCode);
    const p = page(c, `/requests/${rn}`);
    const slots =
      options.slots ??
      (state.documentRequest?.kinds ?? []).map((k) => ({
        kind: k as TDocumentKind,
        required: true,
        note: type ? documentNote(type, k as TDocumentKind, p.language) : undefined,
      }));
    return htmlPage(
      c,
      <RequestPage page={p} state={state} type={type} slots={slots} flash={options.flash} />,
      options.status,
    );
  };

  app.get('/requests/:rn', async (c) => {
    if (!signedIn(c)) return c.redirect('/', 303);
    const t = page(c).t;
    const q = c.req.query();
    const flash: TRequestFlash | undefined =
      'sent' in q
        ? { kind: 'success', text: t('request.sent') }
        : 'withdrawn' in q
          ? { kind: 'success', text: t('request.withdrawn') }
          : undefined;
    return requestPage(c, c.req.param('rn'), { flash });
  });

  app.get('/requests/:rn/receipt', async (c) => {
    if (!signedIn(c)) return c.redirect('/', 303);
    const rn = c.req.param('rn');
    await authoriseServiceRequest(deps, principal(c), rn);
    const receipt = await latestReceipt(deps, rn);
    if (!receipt) return errorPage(c, 404, 'errors.notFound');
    return c.body(new Uint8Array(receipt.pdf), 200, receiptHeaders(rn, receipt));
  });

  app.post('/requests/:rn/withdraw', async (c) => {
    if (!signedIn(c)) return c.redirect('/', 303);
    const rn = c.req.param('rn');
    const form: TForm = await c.req.parseBody({ all: true });
    const reason = text(form, 'reason').trim().slice(0, 500);
    try {
      await decideServiceRequest(deps, principal(c), {
        requestNumber: rn,
        action: 'withdraw',
        body: reason ? { reason } : {},
      });
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal || isNotFound(refusal)) throw error;
      return requestPage(c, rn, {
        flash: { kind: 'error', text: page(c).t('errors.conflict') },
        status: 409,
      });
    }
    return c.redirect(`/requests/${rn}?withdrawn`, 303);
  });

  app.post('/requests/:rn/documents', async (c) => {
    const numbers = signedIn(c);
    if (!numbers) return c.redirect('/', 303);
    const rn = c.req.param('rn');
    const t = page(c).t;
    const state = await readServiceRequest(deps, principal(c), rn);
    const type = await findServiceType(deps.db, state.typeCode);
    const form: TForm = await c.req.parseBody({ all: true });
    const kinds = (state.documentRequest?.kinds ?? []) as TDocumentKind[];
    const slots: TDocumentSlot[] = [];
    const refs: TDocumentRef[] = [];
    for (const kind of kinds) {
      const base: TDocumentSlot = {
        kind,
        required: true,
        note: type ? documentNote(type, kind, page(c).language) : undefined,
      };
      const documentId = text(form, `documentId.${kind}`);
      if (documentId) {
        const fileName = (text(form, `fileName.${kind}`) || 'document').slice(0, 200);
        refs.push({ documentId, kind, fileName });
        slots.push({ ...base, uploaded: { documentId, fileName } });
        continue;
      }
      // Without script the files come with the form: each is uploaded (judged, stored) first.
      const file = fileOf(form, `documents.${kind}`);
      if (!file) {
        slots.push(base);
        continue;
      }
      const shareCode = text(form, `shareCode.${kind}`).trim();
      const fields = readUploadFields({ consumerNumber: state.consumerNumber, kind, shareCode });
      try {
        if (!fields.success) throw new Error('unreachable: the share code is checked by the upload');
        const { document } = await uploadDocument(deps, principal(c), { ...fields.data, file });
        refs.push({ documentId: document.documentId, kind, fileName: document.fileName });
        slots.push({
          ...base,
          uploaded: {
            documentId: document.documentId,
            fileName: document.fileName,
            checks: document.verdict.checks,
            ekyc: document.ekyc,
          },
        });
      } catch (error) {
        const refusal = refusalOf(error);
        if (!refusal || isNotFound(refusal)) throw error;
        slots.push(refusedSlot(t, base, file, refusal, Boolean(shareCode)));
      }
    }
    const again = (text: string, status: ContentfulStatusCode = 400) =>
      requestPage(c, rn, { flash: { kind: 'error', text }, slots, status });
    if (slots.some((s) => s.refused)) return again(t('apply.errorsTitle'));
    if (refs.length === 0) {
      slots[0] = { ...slots[0]!, error: t('request.chooseFile') };
      return again(t('apply.errorsTitle'));
    }
    try {
      await decideServiceRequest(deps, principal(c), {
        requestNumber: rn,
        action: 'documents',
        body: { documents: refs },
      });
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal || isNotFound(refusal)) throw error;
      const cited = (e: TFieldError) => /^documents\.(\d+)\./.exec(e.field);
      for (const e of refusal.errors) {
        const i = cited(e);
        const kind = i ? refs[Number(i[1])]?.kind : undefined;
        const at = slots.findIndex((s) => s.kind === kind);
        if (at >= 0) slots[at] = { ...slots[at]!, uploaded: undefined, error: t('apply.documentAgain') };
      }
      return again(
        refusal.errors.length ? t('apply.errorsTitle') : t('errors.conflict'),
        refusal.errors.length ? 400 : 409,
      );
    }
    return c.redirect(`/requests/${rn}?sent`, 303);
  });

  // ---------------- complaints ----------------
  app.get('/complaints/new', async (c) => {
    if (!signedIn(c)) return c.redirect('/', 303);
    return htmlPage(c, <NewComplaintPage page={page(c)} types={await listComplaintTypes(deps.db)} />);
  });

  app.post('/complaints/new', async (c) => {
    const numbers = signedIn(c);
    if (!numbers) return c.redirect('/', 303);
    const t = page(c).t;
    const form: TForm = await c.req.parseBody({ all: true });
    const values = { type: text(form, 'type'), description: text(form, 'description') };
    const types = await listComplaintTypes(deps.db);
    const errors: TComplaintErrors = {};
    if (!types.some((x) => x.code === values.type)) errors.type = t('complaint.typeInvalid');
    if (values.description.trim().length > 2000) errors.description = t('complaint.descriptionInvalid');
    if (Object.keys(errors).length)
      return htmlPage(
        c,
        <NewComplaintPage page={page(c)} types={types} values={values} errors={errors} />,
        400,
      );
    try {
      const result = await registerComplaint(deps, principal(c), {
        type: values.type,
        consumerNumber: numbers[0]!,
        channel: 'web',
        description: values.description.trim(),
      });
      const said = result.joined ? (result.reopened ? 'reopened' : 'joined') : 'registered';
      return c.redirect(`/complaints/${result.requestNumber}?${said}`, 303);
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal || isNotFound(refusal)) throw error;
      for (const e of refusal.errors)
        if (e.field === 'type' || e.field === 'description')
          errors[e.field] = t(`complaint.${e.field}Invalid`);
      if (!Object.keys(errors).length) errors.type = refusal.message;
      return htmlPage(
        c,
        <NewComplaintPage page={page(c)} types={types} values={values} errors={errors} />,
        400,
      );
    }
  });

  const complaintPage = async (
    c: Context<WebEnv>,
    rn: string,
    flash?: TRequestFlash,
    status?: ContentfulStatusCode,
  ) => {
    const state = await readComplaint(deps, principal(c), rn);
    const type = await findComplaintType(deps.db, state.typeCode);
    return htmlPage(
      c,
      <ComplaintPage page={page(c, `/complaints/${rn}`)} state={state} type={type} flash={flash} />,
      status,
    );
  };

  app.get('/complaints/:rn', async (c) => {
    if (!signedIn(c)) return c.redirect('/', 303);
    const rn = c.req.param('rn');
    const t = page(c).t;
    const q = c.req.query();
    const said = ['registered', 'joined', 'reopened', 'fixed', 'not-fixed'].find((k) => k in q);
    return complaintPage(
      c,
      rn,
      said ? { kind: 'success', text: t(`complaint.said.${said}`, { requestNumber: rn }) } : undefined,
    );
  });

  app.post('/complaints/:rn/confirm', async (c) => {
    if (!signedIn(c)) return c.redirect('/', 303);
    const rn = c.req.param('rn');
    const form: TForm = await c.req.parseBody({ all: true });
    const fixed = text(form, 'fixed') === 'yes';
    try {
      await actOnComplaint(deps, principal(c), { requestNumber: rn, action: 'confirm', body: { fixed } });
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal || isNotFound(refusal)) throw error;
      return complaintPage(c, rn, { kind: 'error', text: page(c).t('errors.conflict') }, 409);
    }
    return c.redirect(`/complaints/${rn}?${fixed ? 'fixed' : 'not-fixed'}`, 303);
  });
}
