import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { TLanguage } from './notice-templates';

/** A notice to a consumer (their channels and language), to the staff of an office in a role, or to one staff member. */
export type TNoticeInput = {
  /** idempotency key: workflow id + step; one key is delivered once */
  key: string;
  /** a consumer, the staff of an office in a role, or one person of the staff directory */
  to: { consumerNumber: string } | { officeId: string; role: string } | { staffSubject: string };
  template: string;
  params: Record<string, string>;
};

export type TNoticePlan = {
  /** channels in the order they are tried */
  chain: string[];
  language: TLanguage;
  /** quiet hours: a non-urgent notice waits until then */
  notBefore?: string;
  receiptTimeoutMs: number;
};

export type TNoticeOutcome = {
  status: 'delivered' | 'undelivered';
  channel?: string;
  attempts: { attempt: number; channel: string; outcome: string }[];
};

export type TDeliveryReceipt = { attempt: number; status: 'delivered' | 'failed'; detail?: string };

export const deliveryReceiptSignal = defineSignal<[TDeliveryReceipt]>('deliveryReceipt');
export const noticeStatusQuery = defineQuery<TNoticeOutcome>('noticeStatus');

/** Notice workflows are named after their key, so starting one twice is harmless. */
export const noticeWorkflowId = (key: string) => `notice/${key}`;
