/** @jsxImportSource hono/jsx */
import { Notice } from '../components';
import { PHRASES } from '../../domain/notice-templates';
import { ConsoleLayout, Csrf, type TConsolePage } from './layout';

export type TDemoUser = { subject: string; name: string; role: string; officeId: string };

/**
 * Staff sign-in. In development a demo user is picked from the staff directory (role and office
 * as the directory has them); in production the identity provider signs people in.
 */
export function SignInPage(props: {
  page: TConsolePage;
  demoUsers?: TDemoUser[];
  oidc: boolean;
  notice?: string;
  error?: string;
  /** the identity provider's own sign-out, after signing out of a session it opened */
  idpSignOut?: string;
}) {
  const { page } = props;
  const { t } = page;
  const byOffice = new Map<string, TDemoUser[]>();
  for (const u of props.demoUsers ?? []) byOffice.set(u.officeId, [...(byOffice.get(u.officeId) ?? []), u]);
  return (
    <ConsoleLayout page={page} title={t('signIn.title')}>
      <div class="c-sign-in">
        <h1>{t('signIn.title')}</h1>
        {props.notice ? <Notice kind="info">{props.notice}</Notice> : null}
        {props.idpSignOut ? (
          <p class="c-panel" id="idp-sign-out">
            <a href={props.idpSignOut}>{t('signIn.idpSignOut')}</a>
          </p>
        ) : null}
        {props.error ? (
          <Notice kind="error" id="sign-in-error">
            {props.error}
          </Notice>
        ) : null}
        {props.oidc ? (
          <div class="c-panel" id="oidc-sign-in">
            <p>{t('signIn.oidcLead')}</p>
            {/* A link, not a form: the page's CSP (form-action 'self') would stop a form redirected to the provider. */}
            <a href="/console/sign-in/oidc" class="c-button">
              {t('signIn.oidc')}
            </a>
          </div>
        ) : null}
        {props.demoUsers ? (
          <form method="post" action="/console/sign-in" class="c-panel">
            <Csrf page={page} />
            <p class="c-lead">{t('signIn.demoLead')}</p>
            <div class="c-field">
              <label for="demo-user">{t('signIn.demoUser')}</label>
              <select id="demo-user" name="subject" required>
                {[...byOffice].map(([officeId, users]) => (
                  <optgroup label={officeId}>
                    {users.map((u) => (
                      <option value={u.subject}>
                        {`${u.name} — ${PHRASES.format(page.language, `role.${u.role}`)}, ${u.officeId} (${u.subject})`}
                      </option>
                    ))}
                  </optgroup>
                ))}
              </select>
            </div>
            <button type="submit" class="c-button">
              {t('signIn.submit')}
            </button>
            <p class="c-hint">{t('signIn.demoHint')}</p>
          </form>
        ) : null}
        {!props.oidc && !props.demoUsers ? <Notice kind="error">{t('signIn.unavailable')}</Notice> : null}
      </div>
    </ConsoleLayout>
  );
}
