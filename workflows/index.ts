export { pingWorkflow } from './ping';
export { serviceRequestWorkflow } from './service-request';
export { noticeWorkflow } from './notice';
export { complaintWorkflow } from './complaint';
export { noopWorkflow } from './noop';
export { housekeepingWorkflow } from './housekeeping';
export { bulkPaymentWorkflow } from './bulk-payment';
export { outageCampaignWorkflow } from './outage-campaign';
