/** @jsxImportSource hono/jsx */
import { defaultLanguage } from './offered-languages';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppDeps } from '../api/types';
import type { TLanguage } from '../domain/languages';
import type { TPage as TLayoutPage } from './layout';
import { translator } from './messages';
import { ErrorPage } from './pages/error';
import { FeedbackPage, type TFeedbackErrors } from './pages/feedback';
import { htmlPage } from './portal';
import { chosenLanguage, pageCsrfToken, storedLanguage } from './session';

/**
 * Does the caller ask for HTML? Browsers do when they navigate or post a form, and htmx's boosted
 * requests say who they are with `HX-Request`.
 */
const asksForHtml = (c: Context) =>
  /\btext\/html\b/i.test(c.req.header('accept') ?? '') || c.req.header('hx-request') === 'true';

/** Is the caller a browser? It asks for HTML, or it sends an HTML form. */
export const fromBrowser = (c: Context) => {
  const type = c.req.header('content-type') ?? '';
  if (/^application\/x-www-form-urlencoded\b/i.test(type)) return true;
  return asksForHtml(c) && !/^application\/(.+\+)?json\b/i.test(type);
};

/**
 * The pages of the feedback link (api/routes/feedback.ts decides, these draw). A browser (it asks
 * for text/html) reads them in the switch's language, else the consumer's stored language; a
 * script that posts the form without asking for HTML gets English, as it always did.
 */
export function createFeedbackPages(deps: Pick<AppDeps, 'config' | 'db' | 'now'>) {
  const now = deps.now ?? (() => new Date());
  const frame = async (c: Context, consumerNumber: string | undefined): Promise<TLayoutPage> => {
    const language: TLanguage =
      chosenLanguage(c) ??
      (consumerNumber && asksForHtml(c) ? await storedLanguage(deps, consumerNumber) : undefined) ??
      defaultLanguage();
    return {
      language,
      t: translator(language),
      utility: deps.config.utilityName,
      csrfToken: await pageCsrfToken(c, deps, now()),
      path: c.req.path,
    };
  };
  return {
    async form(
      c: Context,
      input: {
        consumerNumber: string;
        requestNumber: string;
        request?: { typeName: string; status: string };
        view: 'form' | 'already' | 'thanks';
        reopened?: boolean;
        /** the fields the form was refused for, by field name */
        invalid?: ('rating' | 'category' | 'comment')[];
        values?: { rating?: string; category?: string; comment?: string };
      },
      status: ContentfulStatusCode = 200,
    ) {
      const page = await frame(c, input.consumerNumber);
      const errors: TFeedbackErrors = {};
      for (const field of input.invalid ?? []) errors[field] = page.t(`feedback.${field}Invalid`);
      return htmlPage(
        c,
        <FeedbackPage
          page={page}
          requestNumber={input.requestNumber}
          request={input.request}
          view={input.view}
          reopened={input.reopened}
          errors={errors}
          values={input.values}
        />,
        status,
      );
    },
    async error(c: Context, consumerNumber: string | undefined, key: string, status: ContentfulStatusCode) {
      const page = await frame(c, consumerNumber);
      return htmlPage(c, <ErrorPage page={page} message={page.t(key)} />, status);
    },
  };
}
