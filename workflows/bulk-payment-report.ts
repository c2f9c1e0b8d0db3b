import { proxyActivities } from '@temporalio/workflow';
import type { createBulkPaymentReportActivities } from '../activities/bulk-payment-reports';

const { issueBulkPaymentReport } = proxyActivities<ReturnType<typeof createBulkPaymentReportActivities>>({
  startToCloseTimeout: '3 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '20 seconds', maximumAttempts: 5 },
});

/**
 * Signs a bulk payment's report as the batch stands (id `bulk-payment-report/<batch>/<version>`):
 * the signing certificate lives with the worker, so the API asks for the PDF through this and
 * serves the stored file.
 */
export async function bulkPaymentReportWorkflow(input: {
  batchId: string;
  language: string;
}): Promise<{ version: string; sha256: string }> {
  return issueBulkPaymentReport(input);
}
