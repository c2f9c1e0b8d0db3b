/** @jsxImportSource hono/jsx */
import { Notice } from '../components';
import type { TSigningKey } from '../../db/signing-keys';
import { ConsoleLayout, Csrf, type TConsolePage } from './layout';
import { Flag, Panel, When } from './parts';

/**
 * My decision-signing keys. This browser's key is made by console.js (WebCrypto, not extractable,
 * kept in IndexedDB) and marked in the list; revoking one makes the browser enrol a new one.
 */
export function KeyPage(props: { page: TConsolePage; keys: TSigningKey[]; notice?: string; error?: string }) {
  const { page } = props;
  const { t } = page;
  return (
    <ConsoleLayout page={page} title={t('key.title')}>
      <h1>{t('key.title')}</h1>
      {props.notice ? <Notice kind="success">{props.notice}</Notice> : null}
      {props.error ? <Notice kind="error">{props.error}</Notice> : null}
      <p class="c-lead">{t('key.lead')}</p>
      <Panel title={t('key.thisBrowser')} id="this-browser">
        <dl class="c-facts">
          <dt>{t('key.keyId')}</dt>
          <dd class="c-mono" id="browser-key-id">
            —
          </dd>
          <dt>{t('key.enrolled')}</dt>
          <dd id="browser-key-enrolled">—</dd>
        </dl>
      </Panel>
      <Panel title={t('key.all')} id="keys">
        {props.keys.length === 0 ? <p class="c-empty">{t('key.none')}</p> : null}
        <table class="c-table">
          <thead>
            <tr>
              <th scope="col">{t('key.keyId')}</th>
              <th scope="col">{t('key.label')}</th>
              <th scope="col">{t('key.enrolled')}</th>
              <th scope="col">{t('key.state')}</th>
              <th scope="col">
                <span class="visually-hidden">{t('key.revoke')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.keys.map((k) => (
              <tr data-key-id={k.keyId}>
                <td data-label={t('key.keyId')} class="c-mono">
                  {k.keyId}
                </td>
                <td data-label={t('key.label')}>{k.label ?? '—'}</td>
                <td data-label={t('key.enrolled')}>
                  <When page={page} at={k.registeredAt.toISOString()} />
                </td>
                <td data-label={t('key.state')}>
                  {k.revokedAt ? (
                    <Flag tone="breach">
                      {t('key.revoked')} <When page={page} at={k.revokedAt.toISOString()} />
                    </Flag>
                  ) : (
                    <Flag tone="ok">{t('key.active')}</Flag>
                  )}
                  <span class="c-this-browser" hidden>
                    {' '}
                    <Flag tone="level">{t('key.thisBrowserMark')}</Flag>
                  </span>
                </td>
                <td>
                  {k.revokedAt ? null : (
                    <form method="post" action={`/console/key/${k.keyId}/revoke`}>
                      <Csrf page={page} />
                      <button type="submit" class="c-button c-button-small c-button-danger">
                        {t('key.revoke')}
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
    </ConsoleLayout>
  );
}
