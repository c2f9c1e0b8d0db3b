import { z } from 'zod';

/**
 * An outage as a dispatcher registers it (POST /v1/outages, the console's dispatcher page): on
 * feeders and/or transformers, planned (start and end) or emergency (ETR).
 */
export const ZOutageRegistration = z
  .object({
    kind: z.enum(['planned', 'emergency']),
    feederIds: z.array(z.string().min(1)).max(50).default([]),
    transformerIds: z.array(z.string().min(1)).max(500).default([]),
    reason: z.string().trim().min(3).max(500),
    startsAt: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('planned: when it begins (emergency: now)'),
    endsAt: z.iso.datetime({ offset: true }).optional().describe('planned: when it ends'),
    etr: z.iso.datetime({ offset: true }).optional().describe('emergency: estimated restoration'),
  })
  .superRefine((o, ctx) => {
    if (o.feederIds.length + o.transformerIds.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['feederIds'],
        message: 'name at least one feeder or transformer',
      });
    if (o.kind === 'planned') {
      if (!o.startsAt)
        ctx.addIssue({ code: 'custom', path: ['startsAt'], message: 'required for a planned outage' });
      if (!o.endsAt)
        ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'required for a planned outage' });
      if (o.startsAt && o.endsAt && new Date(o.endsAt) <= new Date(o.startsAt))
        ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
    } else if (!o.etr) {
      ctx.addIssue({ code: 'custom', path: ['etr'], message: 'required for an emergency outage' });
    }
  });
export type TOutageRegistration = z.infer<typeof ZOutageRegistration>;
