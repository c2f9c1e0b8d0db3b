import {
  ActivityFailure,
  ApplicationFailure,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { createCampaignActivities } from '../activities/campaigns';
import {
  CALL_LIST_ROLES,
  CALL_NOTE_MAX,
  CALL_OUTCOMES,
  campaignOfDelivery,
  claimCallUpdate,
  recordCallUpdate,
  type TCampaignSettings,
  type TClaimCall,
  type TRecordCall,
} from '../domain/campaign-contract';
import { FailureType } from '../domain/failures';
import type { TActor } from '../domain/service-request-contract';

type Acts = ReturnType<typeof createCampaignActivities>;

// The call list's writes answer an operator who waits: refusals come back at once.
const calls = proxyActivities<Pick<Acts, 'claimCall' | 'recordCall'>>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '500 milliseconds',
    maximumAttempts: 5,
    nonRetryableErrorTypes: [FailureType.Conflict],
  },
});

export const refuse = (type: string, message: string) =>
  ApplicationFailure.create({ type, message, nonRetryable: true });

/** An activity's refusal, passed to the operator as it is (the Update fails, the campaign goes on). */
const asRefusal = (error: unknown) =>
  error instanceof ActivityFailure && error.cause instanceof ApplicationFailure
    ? refuse(error.cause.type ?? FailureType.Conflict, error.cause.message)
    : error;

/**
 * The call list's Updates of a campaign workflow: `claimCall` and `recordCall`, each with a
 * validator (role, the entry is the campaign's, outcome and note) and a handler that runs the
 * conditional write. `over` says the campaign takes no more calls; `recorded` is told of each call.
 */
export function handleCallList(
  campaignId: string,
  settings: TCampaignSettings,
  over: () => boolean,
  recorded: () => void,
) {
  const checkCaller = (deliveryId: string, actor: TActor) => {
    if (!(CALL_LIST_ROLES as readonly string[]).includes(actor.role))
      throw refuse(
        FailureType.Forbidden,
        `the call list is worked by ${CALL_LIST_ROLES.join(', ')}, not ${actor.role}`,
      );
    if (campaignOfDelivery(deliveryId) !== campaignId)
      throw refuse(FailureType.NotFound, `no entry ${deliveryId} in campaign ${campaignId}`);
    if (over()) throw refuse(FailureType.Conflict, 'the campaign is over');
  };
  setHandler(
    claimCallUpdate,
    async ({ deliveryId, actor }) => {
      try {
        return await calls.claimCall({ deliveryId, subject: actor.subject });
      } catch (error) {
        throw asRefusal(error);
      }
    },
    { validator: ({ deliveryId, actor }: TClaimCall) => checkCaller(deliveryId, actor) },
  );
  setHandler(
    recordCallUpdate,
    async ({ deliveryId, outcome, note, actor }) => {
      try {
        const entry = await calls.recordCall({
          deliveryId,
          // One call per Update: its id survives the Update's own retries.
          requestId: `${deliveryId}#${workflowInfo().runId}#${actor.subject}#${outcome}#${Date.now()}`,
          subject: actor.subject,
          outcome,
          note,
          retryMs: settings.callRetryMs,
          tries: settings.callTries,
        });
        recorded();
        return entry;
      } catch (error) {
        throw asRefusal(error);
      }
    },
    {
      validator: ({ deliveryId, outcome, note, actor }: TRecordCall) => {
        checkCaller(deliveryId, actor);
        if (!(CALL_OUTCOMES as readonly string[]).includes(outcome))
          throw refuse(FailureType.InvalidInput, `outcome is one of ${CALL_OUTCOMES.join(', ')}`);
        if (note !== undefined && (typeof note !== 'string' || note.length > CALL_NOTE_MAX))
          throw refuse(FailureType.InvalidInput, `a note is text of up to ${CALL_NOTE_MAX} characters`);
      },
    },
  );
}
