/** @jsxImportSource hono/jsx */
import { ConsoleLayout, type TConsolePage } from './layout';

/** A page that could not be shown: why, in the reader's words, and the way back. */
export const ConsoleErrorPage = (props: { page: TConsolePage; title: string; message: string }) => (
  <ConsoleLayout page={props.page} title={props.title}>
    <div class="c-panel c-error" role="alert">
      <h1>{props.title}</h1>
      <p id="refusal">{props.message}</p>
      <p>
        <a href="/console/queue">{props.page.t('layout.queue')}</a>
      </p>
    </div>
  </ConsoleLayout>
);
