import { msNumberToTs } from '@temporalio/common/lib/time';
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { DomainProblem } from '../domain/failures';
import { readHistory, visibilityQuery, type TBulkSelection } from '../use-cases/repair';

const { EventType, WorkflowTaskFailedCause } = proto.temporal.api.enums.v1;

/** The bulk selection's grammar, and what the history says (unit tests of one function each). */
describe('visibilityQuery', () => {
  it('builds the query from checked values only', () => {
    expect(
      visibilityQuery({
        workflowType: 'complaintWorkflow',
        officeId: 'sec-pattom',
        requestStatus: 'open',
        requestType: 'no-power',
        startedAfter: '2026-11-01T00:00:00+05:30',
        failingActivityType: 'sendChannelReply',
      }),
    ).toBe(
      "WorkflowType = 'complaintWorkflow' AND ExecutionStatus = 'Running' AND OfficeId = 'sec-pattom'" +
        " AND RequestStatus = 'open' AND RequestType = 'no-power' AND StartTime > '2026-10-31T18:30:00.000Z'",
    );
  });

  it.each<[string, Partial<TBulkSelection>, string]>([
    ['a quote in an office', { officeId: "x' OR WorkflowType != '" }, 'selection.officeId'],
    ['an unknown workflow type', { workflowType: 'anything' as never }, 'selection.workflowType'],
    ['spaces in an activity type', { failingActivityType: 'send Reply' }, 'selection.failingActivityType'],
    ['a status with an operator', { requestStatus: 'open) OR (1=1' }, 'selection.requestStatus'],
    ['a date that is not one', { startedBefore: 'yesterday' }, 'selection.startedBefore'],
  ])('refuses %s, naming the field', (_, change, field) => {
    let thrown: unknown;
    try {
      visibilityQuery({ workflowType: 'complaintWorkflow', ...change });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainProblem);
    expect((thrown as DomainProblem).details.errors?.map((e) => e.field)).toEqual([field]);
  });
});

/** a Timestamp (or a Duration: the same shape) of `s` seconds */
const at = (s: number) => msNumberToTs(s * 1000) as never;
const event = (eventId: number, eventType: number, extra: Record<string, unknown> = {}) =>
  ({ eventId, eventType, eventTime: at(1_796_000_000 + eventId), ...extra }) as never;
const failed = (eventId: number, message: string) =>
  event(eventId, EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED, {
    workflowTaskFailedEventAttributes: {
      cause: WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR,
      failure: { message },
    },
  });

describe('readHistory', () => {
  it('finds the first failing task since the last good one, and the timers not yet fired', () => {
    const seen = readHistory([
      event(1, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED),
      failed(4, 'an old hiccup'),
      event(7, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
      event(8, EventType.EVENT_TYPE_TIMER_STARTED, {
        timerStartedEventAttributes: { timerId: '1', startToFireTimeout: at(3600) },
      }),
      event(9, EventType.EVENT_TYPE_TIMER_STARTED, {
        timerStartedEventAttributes: { timerId: '2', startToFireTimeout: at(60) },
      }),
      event(12, EventType.EVENT_TYPE_TIMER_FIRED, { timerFiredEventAttributes: { timerId: '2' } }),
      event(15, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
      failed(18, 'bad deploy'),
      failed(21, 'bad deploy again'),
    ]);
    expect(seen.resetPoint).toMatchObject({
      eventId: 18,
      message: 'bad deploy',
      cause: 'non-deterministic-error',
    });
    expect(seen.lastWorkflowTaskFailure).toMatchObject({ eventId: 21 });
    expect(seen.timers).toEqual([
      { timerId: '1', firesAt: new Date((1_796_000_008 + 3600) * 1000).toISOString() },
    ]);
  });

  it('has no reset point once a task completed after the failure', () => {
    const seen = readHistory([
      failed(4, 'transient'),
      event(7, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
    ]);
    expect(seen.resetPoint).toBeNull();
    expect(seen.lastWorkflowTaskFailure).toMatchObject({ eventId: 4 });
  });
});
