/** @jsxImportSource hono/jsx */
import { FEEDBACK_CATEGORIES } from '../../domain/service-request';
import { FieldError, Notice } from '../components';
import { Layout, type TPage } from '../layout';
import { statusLabel } from '../messages';

export type TFeedbackErrors = Partial<Record<'rating' | 'category' | 'comment', string>>;

/**
 * The page behind the signed feedback link of the completion notice: the form, or the thanks.
 * The link's token is the credential (no sign-in), so the form posts back to the link itself.
 */
export function FeedbackPage(props: {
  page: TPage;
  requestNumber: string;
  request?: { typeName: string; status: string };
  view: 'form' | 'already' | 'thanks';
  reopened?: boolean;
  errors?: TFeedbackErrors;
  values?: { rating?: string; category?: string; comment?: string };
}) {
  const { page } = props;
  const t = page.t;
  const errors = props.errors ?? {};
  const values = props.values ?? {};
  return (
    <Layout page={page} title={t('feedback.title')}>
      <div class="narrow">
        <section class="card">
          <h1>{t('feedback.title')}</h1>
          <p class="lead">
            <strong>{t('feedback.request', { requestNumber: props.requestNumber })}</strong>
            {props.request ? (
              <span class="muted">
                {' — '}
                {t('feedback.requestStatus', {
                  type: props.request.typeName,
                  status: statusLabel(t, props.request.status),
                })}
              </span>
            ) : null}
          </p>
          {props.view === 'thanks' ? (
            <Notice kind="success">
              {t('feedback.thanks', { requestNumber: props.requestNumber })}
              {props.reopened ? ` ${t('feedback.reopened')}` : ''}
            </Notice>
          ) : props.view === 'already' ? (
            <Notice kind="info">{t('feedback.already')}</Notice>
          ) : (
            <>
              {Object.keys(errors).length ? <Notice kind="error">{t('feedback.errorsTitle')}</Notice> : null}
              <form method="post">
                <fieldset
                  class={errors.rating ? 'choices has-error' : 'choices'}
                  aria-describedby={errors.rating ? 'rating-hint rating-error' : 'rating-hint'}
                >
                  <legend>{t('feedback.rating')}</legend>
                  <p class="hint" id="rating-hint">
                    {t('feedback.ratingHint')}
                  </p>
                  <FieldError id="rating-error" message={errors.rating} />
                  {[5, 4, 3, 2, 1].map((n) => (
                    <label class="choice">
                      <input
                        type="radio"
                        name="rating"
                        value={String(n)}
                        required
                        checked={values.rating === String(n)}
                      />
                      <span>{t(`feedback.rating${n}`)}</span>
                    </label>
                  ))}
                </fieldset>
                <div class={errors.category ? 'field has-error' : 'field'}>
                  <label for="field-category">{t('feedback.category')}</label>
                  <FieldError id="field-category-error" message={errors.category} />
                  <select
                    id="field-category"
                    name="category"
                    aria-describedby={errors.category ? 'field-category-error' : undefined}
                  >
                    {FEEDBACK_CATEGORIES.map((k) => (
                      <option value={k} selected={values.category === k}>
                        {t(`feedback.${k}`)}
                      </option>
                    ))}
                  </select>
                </div>
                <div class={errors.comment ? 'field has-error' : 'field'}>
                  <label for="field-comment">{t('feedback.comment')}</label>
                  <p class="hint" id="field-comment-hint">
                    {t('feedback.commentHint')}
                  </p>
                  <FieldError id="field-comment-error" message={errors.comment} />
                  <textarea
                    id="field-comment"
                    name="comment"
                    rows={4}
                    maxlength={2000}
                    aria-describedby={
                      errors.comment ? 'field-comment-hint field-comment-error' : 'field-comment-hint'
                    }
                  >
                    {values.comment ?? ''}
                  </textarea>
                </div>
                <button type="submit" class="button">
                  {t('feedback.send')}
                </button>
              </form>
            </>
          )}
        </section>
      </div>
    </Layout>
  );
}
