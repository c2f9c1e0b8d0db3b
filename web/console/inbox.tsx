/** @jsxImportSource hono/jsx */
import type { staffInbox } from '../../db/schema';
import { ConsoleLayout, Csrf, type TConsolePage } from './layout';
import { Flag, Pager, Panel, When } from './parts';

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
      <Panel title={t('inbox.alerts')} id="alerts">
        {props.items.length === 0 ? <p class="c-empty">{t('inbox.empty')}</p> : null}
        <ul class="c-alerts">
          {props.items.map((item) => {
            const href = alertLink(item.noticeKey);
            return (
              <li class={item.readAt ? 'c-alert' : 'c-alert c-alert-unread'} data-template={item.template}>
                <div class="c-alert-main">
                  <p class="c-alert-title">
                    {item.urgent ? <Flag tone="emergency">{t('inbox.urgent')}</Flag> : null}
                    {item.readAt ? null : <Flag tone="warn">{t('inbox.new')}</Flag>}{' '}
                    {href ? <a href={href}>{item.title}</a> : <strong>{item.title}</strong>}
                  </p>
                  <p class="c-alert-body">{item.body}</p>
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
