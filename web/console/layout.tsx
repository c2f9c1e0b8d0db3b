/** @jsxImportSource hono/jsx */
import { offeredLanguages } from '../offered-languages';
import type { Child } from 'hono/jsx';
import type { TLanguage } from '../../domain/languages';
import type { TRole } from '../../domain/roles';
import { DESK_ROLES } from '../../use-cases/agent-desk';
import { DISPATCH_ROLES } from '../../use-cases/outages';
import { CAMPAIGN_READ_ROLES } from '../../domain/campaign-contract';
import { REPAIR_ROLES } from '../../use-cases/repair';
import { KPI_ROLES } from '../../domain/kpis';
import { BULK_READ_ROLES } from '../../domain/bulk-payments';
import { PHRASES } from '../../domain/notice-templates';
import type { Translate } from '../messages';
import { consoleMessages } from './messages';

/** Who works the agent desk and the dispatcher's outages: as their use cases declare it. */
const DESK: readonly string[] = DESK_ROLES;
const DISPATCH: readonly string[] = DISPATCH_ROLES;
const CAMPAIGNS: readonly string[] = CAMPAIGN_READ_ROLES;
const REPAIR: readonly string[] = REPAIR_ROLES;
const KPIS: readonly string[] = KPI_ROLES;
const BULK: readonly string[] = BULK_READ_ROLES;

/** Where a person lands after sign-in: agents at the desk, dispatchers at the outages, everyone else at the queue. */
export const homeOf = (role: TRole) =>
  DESK.includes(role) ? '/console/desk' : role === 'dispatcher' ? '/console/outages' : '/console/queue';

/** Who is signed in, as the header shows them. */
export type TStaffShown = { subject: string; name: string; role: string; officeId: string };

/** What every console page needs to draw the frame around itself. */
export type TConsolePage = {
  language: TLanguage;
  t: Translate;
  utility: string;
  csrfToken: string;
  /** where the language switch comes back to */
  path: string;
  staff?: TStaffShown;
  /** unread alerts in my inbox */
  unread: number;
  /** my signing keys that are enrolled and not revoked (the script checks its own against these) */
  activeKeys: string[];
};

/** The page's CSRF token, in the field every state-changing form sends back. */
export const Csrf = ({ page }: { page: TConsolePage }) => (
  <input type="hidden" name="_csrf" value={page.csrfToken} />
);

const LanguageSwitch = ({ page }: { page: TConsolePage }) => (
  <form method="post" action="/console/language" class="c-languages">
    <Csrf page={page} />
    <input type="hidden" name="next" value={page.path} />
    <span class="visually-hidden" id="c-language-label">
      {page.t('layout.language')}
    </span>
    <div role="group" aria-labelledby="c-language-label">
      {offeredLanguages().map((l) => (
        <button
          type="submit"
          name="lang"
          value={l}
          lang={l}
          aria-pressed={l === page.language ? 'true' : 'false'}
        >
          {consoleMessages.format(l, 'layout.languageName')}
        </button>
      ))}
    </div>
  </form>
);

const NavLink = (props: { page: TConsolePage; href: string; children: Child }) => (
  <a href={props.href} aria-current={props.page.path.startsWith(props.href) ? 'page' : undefined}>
    {props.children}
  </a>
);

/**
 * The frame of every console page: who is signed in (name, role, office), the navigation with the
 * unread count of the inbox, the signing key's state (filled in by console.js), the language
 * switch. No inline script or style: the CSP forbids them.
 */
export function ConsoleLayout(props: { page: TConsolePage; title: string; children: Child }) {
  const { page } = props;
  const { t } = page;
  const staff = page.staff;
  return (
    <html lang={page.language}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <title>{`${props.title} · ${t('layout.product')}`}</title>
        <link rel="icon" href="/assets/icon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/console/assets/console.css" />
        {staff ? <script type="module" src="/console/assets/console.js"></script> : null}
      </head>
      <body
        data-subject={staff?.subject}
        data-csrf={staff ? page.csrfToken : undefined}
        data-active-keys={staff ? JSON.stringify(page.activeKeys) : undefined}
      >
        <a class="skip" href="#main">
          {t('layout.skip')}
        </a>
        <header class="c-header">
          <div class="c-bar">
            <a class="c-brand" href="/console">
              <img src="/assets/icon.svg" alt="" width="28" height="28" />
              <span>
                <strong>{t('layout.product')}</strong>
                <span class="c-utility">{page.utility}</span>
              </span>
            </a>
            {staff ? (
              <nav class="c-nav" aria-label={t('layout.navigation')}>
                {DESK.includes(staff.role) ? (
                  <NavLink page={page} href="/console/desk">
                    {t('layout.desk')}
                  </NavLink>
                ) : null}
                {DISPATCH.includes(staff.role) ? (
                  <NavLink page={page} href="/console/outages">
                    {t('layout.outages')}
                  </NavLink>
                ) : null}
                {CAMPAIGNS.includes(staff.role) ? (
                  <NavLink page={page} href="/console/campaigns">
                    {t('layout.campaigns')}
                  </NavLink>
                ) : null}
                {BULK.includes(staff.role) ? (
                  <NavLink page={page} href="/console/bulk-payments">
                    {t('layout.bulkPayments')}
                  </NavLink>
                ) : null}
                <NavLink page={page} href="/console/queue">
                  {t('layout.queue')}
                </NavLink>
                {KPIS.includes(staff.role) ? (
                  <NavLink page={page} href="/console/kpis">
                    {t('layout.kpis')}
                  </NavLink>
                ) : null}
                <NavLink page={page} href="/console/inbox">
                  {t('layout.inbox')}{' '}
                  <span class={page.unread > 0 ? 'c-count c-count-hot' : 'c-count'} id="unread-count">
                    <span class="visually-hidden">{t('layout.unread', { count: page.unread })}</span>
                    <span aria-hidden="true">{page.unread}</span>
                  </span>
                </NavLink>
                {REPAIR.includes(staff.role) ? (
                  <NavLink page={page} href="/console/repair">
                    {t('layout.repair')}
                  </NavLink>
                ) : null}
                <NavLink page={page} href="/console/key">
                  {t('layout.key')}
                </NavLink>
              </nav>
            ) : null}
            <div class="c-tools">
              <LanguageSwitch page={page} />
              {staff ? (
                <form method="post" action="/console/sign-out" class="c-who">
                  <Csrf page={page} />
                  <span>
                    <strong>{staff.name}</strong>
                    <span class="c-role">
                      {PHRASES.format(page.language, `role.${staff.role}`)} · {staff.officeId}
                    </span>
                  </span>
                  <button type="submit" class="c-link-button">
                    {t('layout.signOut')}
                  </button>
                </form>
              ) : null}
            </div>
          </div>
          {staff ? (
            <p
              class="c-key-status"
              id="key-status"
              role="status"
              data-generating={t('key.generating')}
              data-ready={t('key.ready', { keyId: '{keyId}' })}
              data-unsupported={t('key.unsupported')}
              data-failed={t('key.failed', { reason: '{reason}' })}
              data-signing={t('key.signing')}
            >
              {t('key.checking')}
            </p>
          ) : null}
        </header>
        <main id="main" tabindex={-1} class="c-main">
          {props.children}
        </main>
      </body>
    </html>
  );
}
