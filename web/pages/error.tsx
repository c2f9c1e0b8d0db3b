/** @jsxImportSource hono/jsx */
import { Layout, type TPage } from '../layout';

/** A refusal or failure as a page, in the reader's language, with the way back. */
export function ErrorPage(props: { page: TPage; message: string }) {
  const { page } = props;
  return (
    <Layout page={page} title={page.t('errors.title')}>
      <div class="narrow">
        <section class="card error-card" role="alert">
          <h1>{page.t('errors.title')}</h1>
          <p class="lead">{props.message}</p>
          <p>
            <a class="button" href={page.signedIn ? '/home' : '/'}>
              {page.t('errors.home')}
            </a>
          </p>
        </section>
      </div>
    </Layout>
  );
}
