/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import { Card, Notice, StatusBadge } from '../components';
import { Layout, type TPage } from '../layout';
import { statusLabel } from '../messages';

/** A message at the top after an action: sent documents, withdrawn, refused. */
export type TRequestFlash = { kind: 'success' | 'error' | 'info'; text: string };

/** One line of the status card: a time (shown in the reader's words) or a value. */
export type TCaseFact = { label: string; at?: string; value?: string };

/**
 * The frame of a request's or a complaint's page: the way home, its name and number, the message
 * of the last action, and the status card (status, times, anything more) ahead of the other cards.
 */
export function CasePage(props: {
  page: TPage;
  title: string;
  name: string;
  requestNumber: string;
  status: string;
  facts: (TCaseFact | false | undefined)[];
  statusMore?: Child;
  flash?: TRequestFlash;
  children: Child;
}) {
  const { page } = props;
  const { t } = page;
  return (
    <Layout page={page} title={props.title} wide>
      <p class="crumbs">
        <a href="/home">{t('layout.home')}</a>
      </p>
      <h1>
        {props.name} <span class="request-number">{props.requestNumber}</span>
      </h1>
      {props.flash ? <Notice kind={props.flash.kind}>{props.flash.text}</Notice> : null}
      <div class="grid">
        <Card title={t('request.statusTitle')} id="status">
          <p class="status-line">
            <StatusBadge status={props.status} label={statusLabel(t, props.status)} />
          </p>
          <dl class="facts">
            {props.facts.map((f) =>
              f ? (
                <div class="row">
                  <dt>{f.label}</dt>
                  <dd>{f.at ? t('request.when', { at: f.at }) : f.value}</dd>
                </div>
              ) : null,
            )}
          </dl>
          {props.statusMore}
        </Card>
        {props.children}
      </div>
    </Layout>
  );
}
