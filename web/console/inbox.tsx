/** @jsxImportSource hono/jsx */
import { Notice } from '../components';
import type { staffInbox } from '../../db/schema';
import { ConsoleLayout, Csrf, type TConsolePage } from './layout';
import { Flag, FormFailure, Pager, Panel, When, type TFormFailure } from './parts';

/** An emergency complaint an alert is about, as its read model stands. */
export type TInboxComplaint = {
  /** alerts sent so far (each re-alert goes one level higher) */
  alerts: number;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  closed: boolean;
};

type TInboxItem = typeof staffInbox.$inferSelect;

/** Where an alert leads: the request or complaint its notice key names. */
export const alertLink = (noticeKey: string) => {
  const rn = noticeKey.split('/')[0] ?? '';
  if (rn.startsWith('SR-')) return `/console/requests/${rn}`;
  if (rn.startsWith('CR-')) return `/console/complaints/${rn}`;
  return undefined;
};

/** My alerts, newest first: TAT warnings, escalations, emergencies; each links to its request. */
export function InboxPage(props: {
  page: TConsolePage;
  items: TInboxItem[];
  total: number;
  at: number;
  pageSize: number;
  /** the emergencies the alerts on this page are about, by Request Number */
  emergencies?: Map<string, TInboxComplaint>;
  /** the reader's role may take charge of an emergency */
  mayAcknowledge?: boolean;
  /** the emergency just taken charge of */
  acknowledged?: string;
  failure?: TFormFailure;
}) {
  const { page } = props;
  const { t } = page;
  return (
    <ConsoleLayout page={page} title={t('inbox.title')}>
      <div class="c-title-row">
        <h1>{t('inbox.title')}</h1>
        <p class="c-muted" id="inbox-unread">
          {t('inbox.unread', { count: page.unread })}
        </p>
      </div>
      {props.acknowledged ? (
        <Notice kind="success" id="done">
          {t('inbox.acknowledged', { rn: props.acknowledged })}
        </Notice>
      ) : null}
      <Panel title={t('inbox.alerts')} id="alerts">
        {props.items.length === 0 ? <p class="c-empty">{t('inbox.empty')}</p> : null}
        <ul class="c-alerts">
          {props.items.map((item) => {
            const href = alertLink(item.noticeKey);
            const emergency = props.emergencies?.get(item.noticeKey.split('/')[0] ?? '');
            return (
              <li class={item.readAt ? 'c-alert' : 'c-alert c-alert-unread'} data-template={item.template}>
                <div class="c-alert-main">
                  <p class="c-alert-title">
                    {item.urgent ? <Flag tone="emergency">{t('inbox.urgent')}</Flag> : null}
                    {item.readAt ? null : <Flag tone="warn">{t('inbox.new')}</Flag>}{' '}
                    {href ? <a href={href}>{item.title}</a> : <strong>{item.title}</strong>}
                  </p>
                  <p class="c-alert-body">{item.body}</p>
                  {emergency ? (
                    <p class="c-alert-emergency" data-alerts={emergency.alerts}>
                      <Flag tone="emergency">{t('inbox.realerts', { count: emergency.alerts })}</Flag>{' '}
                      {emergency.acknowledgedAt ? (
                        <span class="c-acknowledged">
                          {t('inbox.takenBy', { by: emergency.acknowledgedBy ?? '' })}{' '}
                          <When page={page} at={emergency.acknowledgedAt} />
                        </span>
                      ) : null}
                    </p>
                  ) : null}
                  <FormFailure failure={props.failure} form={`ack-${item.id}`} />
                  <p class="c-small c-muted">
                    <When page={page} at={item.createdAt.toISOString()} />
                    {item.readAt ? (
                      <>
                        {' '}
                        · {t('inbox.readAt')} <When page={page} at={item.readAt.toISOString()} />
                      </>
                    ) : null}
                  </p>
                </div>
                {emergency && props.mayAcknowledge && !emergency.acknowledgedAt && !emergency.closed ? (
                  <form method="post" action={`/console/inbox/${item.id}/acknowledge`} class="c-ack">
                    <Csrf page={page} />
                    <button type="submit" class="c-button c-button-small c-button-danger">
                      {t('inbox.acknowledge')}
                    </button>
                  </form>
                ) : null}
                {item.readAt ? null : (
                  <form method="post" action={`/console/inbox/${item.id}/read`}>
                    <Csrf page={page} />
                    <button type="submit" class="c-button c-button-small c-button-ghost">
                      {t('inbox.markRead')}
                    </button>
                  </form>
                )}
              </li>
            );
          })}
        </ul>
        <Pager
          page={page}
          at={props.at}
          pageSize={props.pageSize}
          total={props.total}
          href={(p) => `/console/inbox?page=${p}`}
        />
      </Panel>
    </ConsoleLayout>
  );
}
