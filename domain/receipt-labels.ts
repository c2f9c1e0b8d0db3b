import en from '../messages/receipts/en.json' with { type: 'json' };
import hi from '../messages/receipts/hi.json' with { type: 'json' };
import ml from '../messages/receipts/ml.json' with { type: 'json' };
import ru from '../messages/receipts/ru.json' with { type: 'json' };
import vi from '../messages/receipts/vi.json' with { type: 'json' };
import { formatUtilityTime, type TLanguage } from './notice-templates';

/** The fixed words of the completion receipt, in every language Seva speaks (the type checks all five). */
export type TReceiptLabels = {
  title: string;
  requestNumber: string;
  service: string;
  outcome: string;
  /** statutory compensation credited for a missed standard */
  compensation: string;
  consumerNumber: string;
  consumer: string;
  address: string;
  office: string;
  submitted: string;
  completed: string;
  decisions: string;
  /** before the decision's key: "signed: Ed25519, key …" */
  signedWithKey: string;
  verify: string;
  notice: string;
};

/** The labels live in the message files `messages/receipts/<language>.json`; the type checks all five. */
export const RECEIPT_LABELS = { en, ml, hi, vi, ru } satisfies Record<TLanguage, TReceiptLabels>;

/** A time as the reader reads it: their locale, India time (as notices print it), marked IST. */
export const formatReceiptTime = (iso: string, language: TLanguage): string =>
  formatUtilityTime(iso, language);
