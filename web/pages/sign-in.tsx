/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import { Notice, TextField } from '../components';
import { installedProfile } from '../../domain/utility-profile';
import { CsrfField, Layout, type TPage } from '../layout';

/** The utility profile's consumer number in the reader's words, and its example. */
export const numberWords = (language: TPage['language']) => {
  const rule = installedProfile().consumerNumber;
  return { number: rule.words[language], example: rule.example };
};

/** One step of the sign-in: a card with a title, what to do, one field and one button. */
function Step(props: {
  page: TPage;
  title: string;
  intro: string;
  action: string;
  field: Parameters<typeof TextField>[0];
  submit: string;
  before?: Child;
  after?: Child;
}) {
  return (
    <Layout page={props.page} title={props.title}>
      <div class="narrow">
        <section class="card">
          <h1>{props.title}</h1>
          {props.before}
          <p class="lead">{props.intro}</p>
          <form method="post" action={props.action} novalidate>
            <CsrfField page={props.page} />
            <TextField {...props.field} inputmode="numeric" autofocus />
            <button type="submit" class="button">
              {props.submit}
            </button>
          </form>
          {props.after}
        </section>
      </div>
    </Layout>
  );
}

/** Step one: the consumer number. */
export function SignInPage(props: { page: TPage; consumerNumber?: string; error?: string; notice?: string }) {
  const t = props.page.t;
  return (
    <Step
      page={props.page}
      title={t('signIn.title')}
      intro={t('signIn.intro')}
      action="/sign-in"
      submit={t('signIn.sendCode')}
      before={props.notice ? <Notice kind="success">{props.notice}</Notice> : null}
      field={{
        name: 'consumerNumber',
        label: t('signIn.numberLabel'),
        hint: t('signIn.numberHintFor', numberWords(props.page.language)),
        error: props.error,
        value: props.consumerNumber,
        autocomplete: 'username',
        maxlength: installedProfile().consumerNumber.example.length,
      }}
    />
  );
}

/** Step two: the code. The same page whether or not the number is registered. */
export function CodePage(props: { page: TPage; consumerNumber: string; error?: string }) {
  const t = props.page.t;
  return (
    <Step
      page={props.page}
      title={t('signIn.codeTitle')}
      intro={t('signIn.codeIntro', { consumerNumber: props.consumerNumber })}
      action="/sign-in/code"
      submit={t('signIn.verify')}
      before={props.error ? <Notice kind="error">{props.error}</Notice> : null}
      field={{
        name: 'code',
        label: t('signIn.codeLabel'),
        hint: t('signIn.codeHint'),
        autocomplete: 'one-time-code',
        maxlength: 6,
      }}
      after={
        <p class="secondary-action">
          <a href="/">{t('signIn.startOver')}</a>
        </p>
      }
    />
  );
}
