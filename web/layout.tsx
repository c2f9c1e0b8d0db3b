/** @jsxImportSource hono/jsx */
import { offeredLanguages } from './offered-languages';
import type { Child } from 'hono/jsx';
import type { TLanguage } from '../domain/languages';
import { installedProfile } from '../domain/utility-profile';
import { portalMessages, type Translate } from './messages';

/** What every page needs to draw the frame around itself. */
export type TPage = {
  language: TLanguage;
  t: Translate;
  utility: string;
  /** the hidden field of every form */
  csrfToken: string;
  /** where the language switch comes back to */
  path: string;
  /** the signed-in consumer numbers; undefined when nobody is signed in */
  signedIn?: string[];
};

/** The CSRF token of this page, in the field every state-changing form must send back. */
export const CsrfField = ({ page }: { page: TPage }) => (
  <input type="hidden" name="_csrf" value={page.csrfToken} />
);

/**
 * The language switch: one button per language, each in its own script, in a plain form (a full
 * page load, so `<html lang>` changes with the words).
 */
const LanguageSwitch = ({ page }: { page: TPage }) => (
  <form method="post" action="/language" class="languages" hx-boost="false">
    <CsrfField page={page} />
    <input type="hidden" name="next" value={page.path} />
    <span class="languages-label" id="language-label">
      {page.t('language.switch')}
    </span>
    <div class="languages-list" role="group" aria-labelledby="language-label">
      {offeredLanguages().map((l) => (
        <button
          type="submit"
          name="lang"
          value={l}
          lang={l}
          aria-pressed={l === page.language ? 'true' : 'false'}
          title={page.t('language.change', { language: portalMessages.format(l, 'language.name') })}
        >
          {portalMessages.format(l, 'language.name')}
        </button>
      ))}
    </div>
  </form>
);

/**
 * The frame of every portal page: the utility's name, the language switch, the navigation when
 * signed in, the emergency number and a footer. No inline script or style (the CSP forbids them);
 * htmx is configured through its meta tag and boosts links and forms into in-page swaps.
 */
export function Layout(props: { page: TPage; title: string; children: Child; wide?: boolean }) {
  const { page } = props;
  const htmxConfig = JSON.stringify({
    includeIndicatorStyles: false,
    allowEval: false,
    allowScriptTags: false,
    historyCacheSize: 0,
    // Field errors come with 400 and refusals with 403: show those pages as well.
    responseHandling: [
      { code: '204', swap: false },
      { code: '[2345]..', swap: true, error: false },
    ],
  });
  return (
    <html lang={page.language}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content={htmxConfig} />
        <meta name="color-scheme" content="light" />
        <title>{`${props.title} · ${page.utility}`}</title>
        <link rel="icon" href="/assets/icon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/assets/portal.css" />
        <script src="/assets/htmx.min.js" defer></script>
        <script src="/assets/upload-progress.js" defer></script>
      </head>
      <body hx-boost="true">
        {/* What htmx swaps: the language travels with it, and tells the server what is shown. */}
        <div
          class="page"
          lang={page.language}
          hx-headers={JSON.stringify({ 'X-Page-Language': page.language })}
        >
          <a class="skip" href="#main">
            {page.t('layout.skip')}
          </a>
          <header class="site-header">
            <div class="bar">
              <a class="brand" href={page.signedIn ? '/home' : '/'}>
                <img src="/assets/icon.svg" alt="" width="36" height="36" />
                <span>
                  <span class="brand-name">{page.utility}</span>
                  <span class="brand-sub">{page.t('layout.portal')}</span>
                </span>
              </a>
              <LanguageSwitch page={page} />
            </div>
            {page.signedIn ? (
              <nav class="nav" aria-label={page.t('layout.portal')}>
                <div class="bar">
                  <ul>
                    <li>
                      <a href="/home" aria-current={page.path === '/home' ? 'page' : undefined}>
                        {page.t('layout.home')}
                      </a>
                    </li>
                    <li>
                      <a href="/apply" aria-current={page.path.startsWith('/apply') ? 'page' : undefined}>
                        {page.t('layout.apply')}
                      </a>
                    </li>
                    <li>
                      <a
                        href="/complaints/new"
                        aria-current={page.path === '/complaints/new' ? 'page' : undefined}
                      >
                        {page.t('layout.complaint')}
                      </a>
                    </li>
                    <li>
                      <a href="/preferences" aria-current={page.path === '/preferences' ? 'page' : undefined}>
                        {page.t('layout.preferences')}
                      </a>
                    </li>
                  </ul>
                  <form method="post" action="/sign-out" class="sign-out">
                    <CsrfField page={page} />
                    <span class="who">
                      {page.t('layout.signedInAs', { consumerNumber: page.signedIn[0] })}
                    </span>
                    <button type="submit" class="link-button">
                      {page.t('layout.signOut')}
                    </button>
                  </form>
                </div>
              </nav>
            ) : null}
          </header>
          <p class="emergency">
            <span class="bar">
              {page.t('layout.emergencyAt', { phone: installedProfile().emergencyPhone })}
            </span>
          </p>
          <main id="main" tabindex={-1} class={props.wide ? 'main wide' : 'main'}>
            {props.children}
          </main>
          <footer class="site-footer">
            <div class="bar">
              <p>{page.t('layout.footerAbout')}</p>
              <p>
                {page.t('layout.footerRights', { year: new Date().getFullYear(), utility: page.utility })}
              </p>
            </div>
          </footer>
        </div>
      </body>
    </html>
  );
}

/** A whole HTML document for `c.html()`. */
export const documentOf = (element: unknown) => `<!doctype html>${String(element)}`;
