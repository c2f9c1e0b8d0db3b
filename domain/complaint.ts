import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import type { TBusinessCalendar } from './calendar';
import type { TComplaintType } from './complaint-catalogue';
import { ZChannel, ZConsumerNumber, type TChannel } from './consumer';
import type { TActor, TTimelineEntry } from './service-request';

export type TComplaintInput = {
  requestNumber: string;
  type: TComplaintType;
  consumerNumber: string;
  officeId: string;
  officePath: string;
  calendar: TBusinessCalendar;
  channel: TChannel;
  description: string;
  submittedBy: string;
  submittedAt: string;
};

export const COMPLAINT_STATUSES = ['open', 'assigned', 'resolved', 'closed'] as const;
export type TComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

export type TComplaintState = {
  requestNumber: string;
  typeCode: string;
  typeName: string;
  priority: string;
  consumerNumber: string;
  officeId: string;
  status: TComplaintStatus;
  dueAt: string;
  crew?: string;
  resolution?: string;
  reopenCount: number;
  reports: { channel: string; at: string; by: string }[];
  closedAt?: string;
  timeline: TTimelineEntry[];
};

export const ZComplaintIntake = z.object({
  type: z.string().min(1).describe('complaint catalogue code, e.g. no-power'),
  consumerNumber: ZConsumerNumber,
  channel: ZChannel.default('web'),
  description: z.string().trim().max(2000).default(''),
});
export const ZAssignCrew = z.object({ crew: z.string().trim().min(2).max(100) });
export const ZResolve = z.object({ resolution: z.string().trim().min(3).max(1000) });
export const ZConfirm = z.object({ fixed: z.boolean() });

type WithActor<T extends z.ZodType> = z.infer<T> & { actor: TActor };
export type TAssignCrew = WithActor<typeof ZAssignCrew>;
export type TResolve = WithActor<typeof ZResolve>;
export type TConfirm = WithActor<typeof ZConfirm>;
export type TReportAgain = { channel: string; actor: TActor };

export const assignCrewUpdate = defineUpdate<TComplaintState, [TAssignCrew]>('assignCrew');
export const resolveUpdate = defineUpdate<TComplaintState, [TResolve]>('resolve');
export const confirmUpdate = defineUpdate<TComplaintState, [TConfirm]>('confirmResolution');
export const reportAgainUpdate = defineUpdate<TComplaintState, [TReportAgain]>('reportAgain');
export const complaintStatusQuery = defineQuery<TComplaintState>('complaintStatus');
