/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';

export const Card = (props: { title: string; children: Child; id?: string; class?: string }) => (
  <section class={`card ${props.class ?? ''}`} aria-labelledby={props.id}>
    <h2 id={props.id}>{props.title}</h2>
    {props.children}
  </section>
);

/** A message at the top of a page: `role="alert"` for errors, so screen readers say it at once. */
export const Notice = (props: { kind: 'error' | 'success' | 'info'; children: Child; id?: string }) => (
  <div
    class={`notice notice-${props.kind}`}
    id={props.id}
    role={props.kind === 'error' ? 'alert' : 'status'}
    tabindex={-1}
  >
    {props.children}
  </div>
);

/** The error of one field, next to it, tied to the input by `aria-describedby`. */
export const FieldError = (props: { id: string; message?: string }) =>
  props.message ? (
    <p class="field-error" id={props.id}>
      {props.message}
    </p>
  ) : null;

/** A labelled text input with its hint and its error. */
export function TextField(props: {
  name: string;
  label: string;
  hint?: string;
  error?: string;
  value?: string;
  inputmode?: 'numeric' | 'text';
  autocomplete?: string;
  pattern?: string;
  maxlength?: number;
  autofocus?: boolean;
}) {
  const id = `field-${props.name}`;
  const describedBy = [props.hint ? `${id}-hint` : '', props.error ? `${id}-error` : ''].filter(Boolean);
  return (
    <div class={props.error ? 'field has-error' : 'field'}>
      <label for={id}>{props.label}</label>
      {props.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      <FieldError id={`${id}-error`} message={props.error} />
      <input
        id={id}
        name={props.name}
        type="text"
        value={props.value ?? ''}
        inputmode={props.inputmode}
        autocomplete={props.autocomplete}
        pattern={props.pattern}
        maxlength={props.maxlength}
        autofocus={props.autofocus}
        required
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy.length ? describedBy.join(' ') : undefined}
      />
    </div>
  );
}

/** A status as a badge: the colour says the kind (open, waiting on you, done) and the words say the status. */
export function StatusBadge(props: { status: string; label: string }) {
  const tone = ['awaiting-consumer'].includes(props.status)
    ? 'warn'
    : ['completed', 'resolved', 'closed'].includes(props.status)
      ? 'done'
      : ['rejected', 'withdrawn', 'abandoned'].includes(props.status)
        ? 'muted'
        : 'open';
  return <span class={`badge badge-${tone}`}>{props.label}</span>;
}
