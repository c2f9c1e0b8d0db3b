/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import { FieldError, Notice } from '../components';
import type { TFieldError } from '../../domain/failures';
import type { TConsolePage } from './layout';

/** An instant in the reader's language, India time, with the machine-readable value. */
export const When = ({ page, at }: { page: TConsolePage; at?: string | null }) =>
  at ? <time datetime={at}>{page.t('format.when', { at })}</time> : <span class="c-muted">—</span>;

/** A mark next to a status: breach, TAT warning, emergency, escalation level. */
export const Flag = (props: {
  tone: 'breach' | 'warn' | 'emergency' | 'level' | 'paused' | 'ok';
  children: Child;
}) => <span class={`c-flag c-flag-${props.tone}`}>{props.children}</span>;

/** What went wrong with one form: the refusal's words and the fields at fault, next to the form. */
export type TFormFailure = { form: string; message: string; errors: TFieldError[] };

export const FormFailure = ({ failure, form }: { failure?: TFormFailure; form: string }) =>
  failure && failure.form === form ? (
    <Notice kind="error" id={`failure-${form}`}>
      <p class="c-failure-message">{failure.message}</p>
      {failure.errors.length ? (
        <ul class="c-failure-fields">
          {failure.errors.map((e) => (
            <li>
              <code>{e.field}</code>: {e.message}
            </li>
          ))}
        </ul>
      ) : null}
    </Notice>
  ) : null;

/** The error of one field of a failed form, next to the field. */
export const FieldFailure = (props: { failure?: TFormFailure; form: string; field: string }) => {
  const error =
    props.failure?.form === props.form
      ? props.failure.errors.find((e) => e.field === props.field || e.field.startsWith(`${props.field}.`))
      : undefined;
  return <FieldError id={`${props.form}-${props.field}-error`} message={error?.message} />;
};

/** Pages of a long list: previous, "page n of m", next — links that keep the filters. */
export function Pager(props: {
  page: TConsolePage;
  at: number;
  pageSize: number;
  total: number;
  href: (page: number) => string;
  /** the links either side when the list is sought by cursor, rather than by page number */
  prevHref?: string;
  nextHref?: string;
}) {
  const pages = Math.max(1, Math.ceil(props.total / props.pageSize));
  const { t } = props.page;
  return (
    <nav class="c-pager" aria-label={t('queue.pages')}>
      {props.at > 1 ? (
        <a href={props.prevHref ?? props.href(props.at - 1)} rel="prev">
          ← {t('queue.previous')}
        </a>
      ) : (
        <span class="c-muted">← {t('queue.previous')}</span>
      )}
      <span>{t('queue.pageOf', { page: props.at, pages, total: props.total })}</span>
      {props.at < pages ? (
        <a href={props.nextHref ?? props.href(props.at + 1)} rel="next">
          {t('queue.next')} →
        </a>
      ) : (
        <span class="c-muted">{t('queue.next')} →</span>
      )}
    </nav>
  );
}

/** A titled panel of the page. */
export const Panel = (props: {
  title: string;
  id: string;
  children: Child;
  class?: string;
  actions?: Child;
}) => (
  <section class={`c-panel ${props.class ?? ''}`} aria-labelledby={props.id}>
    <div class="c-panel-head">
      <h2 id={props.id}>{props.title}</h2>
      {props.actions}
    </div>
    {props.children}
  </section>
);
