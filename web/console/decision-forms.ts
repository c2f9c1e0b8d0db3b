import { installedProfile } from '../../domain/utility-profile';
import { localToInstant } from '../../domain/utility-profile-contract';
import type { z } from 'zod';
import { fieldErrors, type TFieldError } from '../../domain/failures';
import {
  ZApproveStep,
  ZDecideDocument,
  ZReassign,
  ZRejectRequest,
  ZReportDelay,
  ZRequestDocuments,
} from '../../domain/service-request';
import type { TServiceRequestAction } from '../../use-cases/decide-service-request';

/** The staff decisions the console's forms send: the JSON API's action names and body schemas. */
export const CONSOLE_DECISIONS = {
  'decide-document': ZDecideDocument,
  'request-documents': ZRequestDocuments,
  'approve-step': ZApproveStep,
  reject: ZRejectRequest,
  'report-delay': ZReportDelay,
  reassign: ZReassign,
} as const satisfies Record<string, z.ZodObject>;
export type TConsoleDecision = keyof typeof CONSOLE_DECISIONS;
export const isConsoleDecision = (v: string): v is TConsoleDecision => v in CONSOLE_DECISIONS;

type TForm = Record<string, string | File | (string | File)[]>;

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const list = (v: unknown) =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');
/** An optional text: left out when empty, as a JSON client would leave it out. */
const optional = (name: string, v: unknown) => (text(v) ? { [name]: text(v) } : {});

/** A `datetime-local` value is the utility's local time: its offset is added so the instant is unambiguous. */
export const localInstant = (v: unknown, utcOffsetMinutes = installedProfile().utcOffsetMinutes) => {
  const s = text(v);
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(s) ? localToInstant(s, utcOffsetMinutes) : s;
};

/**
 * The decision's body from the form, exactly as a JSON client would send it: this is what the
 * canonical message covers (domain/decision-signature.ts), built once here both for the message
 * the browser signs and for the decision the signature is then checked against.
 */
export function decisionBody(action: TConsoleDecision, form: TForm): Record<string, unknown> {
  switch (action) {
    case 'decide-document':
      return {
        documentId: text(form.documentId),
        decision: text(form.decision),
        ...optional('reason', form.reason),
      };
    case 'request-documents':
      return { kinds: list(form.kinds), message: text(form.message) };
    case 'approve-step':
      return { stepId: text(form.stepId), ...optional('note', form.note) };
    case 'reject':
      return { reason: text(form.reason) };
    case 'report-delay':
      return { reason: text(form.reason), expectedBy: localInstant(form.expectedBy) };
    case 'reassign':
      return { assignee: text(form.assignee) };
  }
}

/** The body checked against the API's schema for the action: the typed action, or the fields at fault. */
export function parseDecision(
  action: TConsoleDecision,
  body: Record<string, unknown>,
): { ok: true; decision: TServiceRequestAction } | { ok: false; errors: TFieldError[] } {
  const parsed = CONSOLE_DECISIONS[action].safeParse(body);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error.issues) };
  return { ok: true, decision: { action, body: parsed.data } as TServiceRequestAction };
}

/** The signature fields the page's script adds to a signed form. */
export function signatureOf(form: TForm) {
  const keyId = text(form['signature.keyId']);
  const signedAt = text(form['signature.signedAt']);
  const value = text(form['signature.value']);
  return keyId || signedAt || value ? { keyId, signedAt, value } : undefined;
}
