import en from '../messages/bulk-report/en.json' with { type: 'json' };
import hi from '../messages/bulk-report/hi.json' with { type: 'json' };
import ml from '../messages/bulk-report/ml.json' with { type: 'json' };
import ru from '../messages/bulk-report/ru.json' with { type: 'json' };
import vi from '../messages/bulk-report/vi.json' with { type: 'json' };
import type { TBulkPaymentState, TExceptionReason } from './bulk-payments';
import type { TLanguage } from './languages';

/**
 * The words of a bulk payment's report (the signed PDF, and the console's batch pages name
 * statuses and reasons with them), from `messages/bulk-report/<language>.json`; the type checks all five.
 */
export type TBulkReportLabels = typeof en & {
  batchStatus: Record<TBulkPaymentState['status'], string>;
  reasons: Record<TExceptionReason, string>;
};

export const BULK_REPORT_LABELS = { en, ml, hi, vi, ru } satisfies Record<TLanguage, TBulkReportLabels>;
