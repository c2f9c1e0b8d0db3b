import { createBulkPaymentReportActivities } from './bulk-payment-reports';
import { createBulkPaymentActivities, type BulkPaymentActivityDeps } from './bulk-payments';
import { createCampaignActivities, type CampaignActivityDeps } from './campaigns';
import { createCompensationActivities } from './compensation';
import { createComplaintActivities } from './complaints';
import { createHousekeepingActivities } from './housekeeping';
import { createPingActivities, type PingActivityDeps } from './ping';
import { createReceiptActivities, type ReceiptActivityDeps } from './receipts';
import { createServiceRequestActivities, type ServiceRequestActivityDeps } from './service-requests';

export type ActivityDeps = PingActivityDeps &
  ServiceRequestActivityDeps &
  ReceiptActivityDeps &
  BulkPaymentActivityDeps &
  CampaignActivityDeps;

/** Every activity the worker registers, built from injected dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createPingActivities(deps),
    ...createServiceRequestActivities(deps),
    ...createReceiptActivities(deps),
    ...createComplaintActivities(deps),
    ...createCompensationActivities(deps),
    ...createHousekeepingActivities(deps),
    ...createBulkPaymentActivities(deps),
    ...createBulkPaymentReportActivities(deps),
    ...createCampaignActivities(deps),
  };
}
export type Activities = ReturnType<typeof createActivities>;
