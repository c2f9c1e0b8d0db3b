import type { TLanguage } from '../domain/languages';
import type { AppEnv } from '../api/types';

/** What the portal's middleware knows about a browser request. */
export type WebEnv = {
  Variables: AppEnv['Variables'] & {
    /** the signed-in session, when there is one (the principal is then set as well) */
    portalSession?: { token: string; consumerNumbers: string[]; csrfToken: string };
    /** the token every form of this page carries: the session's, or the anonymous cookie's */
    csrfToken: string;
    /** the language the page is in: the switch's cookie, else the consumer's stored language, else English */
    language: TLanguage;
  };
};
