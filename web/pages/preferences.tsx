/** @jsxImportSource hono/jsx */
import { LANGUAGES } from '../../domain/languages';
import { NOTICE_CHANNELS, type TPreferences } from '../../domain/preferences';
import { FieldError, Notice } from '../components';
import { CsrfField, Layout, type TPage } from '../layout';
import { portalMessages } from '../messages';

export type TPreferenceErrors = Partial<Record<keyof TPreferences, string>>;

/**
 * Notice language, preferred channel and opt-outs, as radio buttons and check boxes (nothing to
 * type). Each field's error is shown above its choices and tied to the group.
 */
export function PreferencesPage(props: {
  page: TPage;
  values: { language: string; preferredChannel: string; optOuts: string[] };
  errors?: TPreferenceErrors;
  saved?: boolean;
}) {
  const { page, values } = props;
  const t = page.t;
  const errors = props.errors ?? {};
  const group = (name: keyof TPreferences, hint = true) => ({
    class: errors[name] ? 'choices has-error' : 'choices',
    'aria-describedby':
      [hint ? `${name}-hint` : '', errors[name] ? `${name}-error` : ''].filter(Boolean).join(' ') ||
      undefined,
    'aria-invalid': errors[name] ? 'true' : undefined,
  });
  return (
    <Layout page={page} title={t('preferences.title')}>
      <div class="narrow">
        <section class="card">
          <h1>{t('preferences.title')}</h1>
          {props.saved ? <Notice kind="success">{t('preferences.saved')}</Notice> : null}
          {Object.keys(errors).length ? <Notice kind="error">{t('preferences.errorsTitle')}</Notice> : null}
          <p class="lead">{t('preferences.intro')}</p>
          <form method="post" action="/preferences" novalidate>
            <CsrfField page={page} />
            <fieldset {...group('language', false)}>
              <legend>{t('preferences.language')}</legend>
              <FieldError id="language-error" message={errors.language} />
              {LANGUAGES.map((l) => (
                <label class="choice" lang={l}>
                  <input type="radio" name="language" value={l} checked={values.language === l} />
                  <span>{portalMessages.format(l, 'language.name')}</span>
                </label>
              ))}
            </fieldset>
            <fieldset {...group('preferredChannel')}>
              <legend>{t('preferences.channel')}</legend>
              <p class="hint" id="preferredChannel-hint">
                {t('preferences.channelHint')}
              </p>
              <FieldError id="preferredChannel-error" message={errors.preferredChannel} />
              {NOTICE_CHANNELS.map((ch) => (
                <label class="choice">
                  <input
                    type="radio"
                    name="preferredChannel"
                    value={ch}
                    checked={values.preferredChannel === ch}
                  />
                  <span>{t(`preferences.${ch}`)}</span>
                </label>
              ))}
            </fieldset>
            <fieldset {...group('optOuts')}>
              <legend>{t('preferences.optOuts')}</legend>
              <p class="hint" id="optOuts-hint">
                {t('preferences.optOutsHint')}
              </p>
              <FieldError id="optOuts-error" message={errors.optOuts} />
              {NOTICE_CHANNELS.map((ch) => (
                <label class="choice">
                  <input type="checkbox" name="optOuts" value={ch} checked={values.optOuts.includes(ch)} />
                  <span>{t(`preferences.${ch}`)}</span>
                </label>
              ))}
            </fieldset>
            <button type="submit" class="button">
              {t('preferences.save')}
            </button>
          </form>
        </section>
      </div>
    </Layout>
  );
}
