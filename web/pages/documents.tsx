/** @jsxImportSource hono/jsx */
import type { TDocumentKind } from '../../domain/catalogue';
import type { TEkycSummary } from '../../use-cases/document-intake';
import { documentKindName } from '../catalogue-words';
import { FieldError } from '../components';
import type { TPage } from '../layout';

/** What the page knows about one document slot of a form: uploaded, refused, or still to come. */
export type TDocumentSlot = {
  kind: TDocumentKind;
  required: boolean;
  /** what to bring, in the reader's language (the catalogue's note) */
  note?: string;
  uploaded?: { documentId: string; fileName: string; checks?: Record<string, string>; ekyc?: TEkycSummary };
  refused?: { fileName: string; reasons: string[] };
  /** the file is an offline e-KYC ZIP: its share code is asked for (with why, when it was wrong) */
  shareCode?: { error?: string };
  /** the slot's own error: required and missing, or not accepted by the request */
  error?: string;
};

/** Files a consumer may upload: what the server judges (PDF, JPEG, PNG, offline e-KYC ZIP). */
const ACCEPT = '.pdf,.jpg,.jpeg,.png,.zip,application/pdf,image/jpeg,image/png,application/zip';

const ids = (kind: string) => ({
  slot: `doc-${kind}`,
  picker: `doc-${kind}-picker`,
  shareCode: `doc-${kind}-sharecode`,
  result: `doc-${kind}-result`,
  file: `doc-${kind}-file`,
  error: `doc-${kind}-error`,
});

/** The bar and the words web/upload-progress.js fills while a file goes up (hidden until then). */
const UploadProgress = ({ page }: { page: TPage }) => (
  <>
    <progress max="100" value="0" hidden aria-label={page.t('apply.progress')}></progress>
    <span
      class="progress-text small muted"
      aria-live="polite"
      data-uploading={page.t('apply.uploading')}
    ></span>
  </>
);

/** The button that sends a form with files, and the progress of its upload. */
export const SubmitWithProgress = ({ page, label }: { page: TPage; label: string }) => (
  <div class="submit-row">
    <button type="submit" class="button">
      {label}
    </button>
    <UploadProgress page={page} />
  </div>
);

/** The slot's own error (required and missing…); an accepted upload puts it away. */
const SlotError = ({ slot, oob }: { slot: TDocumentSlot; oob?: boolean }) => (
  <div id={`${ids(slot.kind).error}-box`} hx-swap-oob={oob ? 'true' : undefined}>
    <FieldError id={ids(slot.kind).error} message={slot.error} />
  </div>
);

/** The file input; after an upload it is drawn again empty, so the form does not send the file twice. */
function Picker(props: { page: TPage; slot: TDocumentSlot; oob?: boolean }) {
  const { t } = props.page;
  const id = ids(props.slot.kind);
  return (
    <div id={id.picker} class="picker" hx-swap-oob={props.oob ? 'true' : undefined}>
      <label for={id.file}>{t(props.slot.uploaded ? 'apply.replaceFile' : 'apply.chooseFile')}</label>
      <input
        id={id.file}
        type="file"
        name={`documents.${props.slot.kind}`}
        accept={ACCEPT}
        aria-describedby={props.slot.error ? id.error : undefined}
      />
    </div>
  );
}

/** The share code of an offline e-KYC ZIP, asked for once the server has seen the file is one. */
function ShareCode(props: { page: TPage; slot: TDocumentSlot; oob?: boolean }) {
  const { t } = props.page;
  const id = ids(props.slot.kind);
  const asked = props.slot.shareCode;
  return (
    <div id={id.shareCode} hx-swap-oob={props.oob ? 'true' : undefined}>
      {asked ? (
        <div class={asked.error ? 'field has-error' : 'field'}>
          <label for={`${id.shareCode}-input`}>{t('apply.shareCode')}</label>
          <p class="hint" id={`${id.shareCode}-hint`}>
            {t('apply.shareCodeHint')}
          </p>
          <FieldError id={`${id.shareCode}-error`} message={asked.error} />
          <input
            id={`${id.shareCode}-input`}
            type="text"
            class="short"
            name={`shareCode.${props.slot.kind}`}
            maxlength={4}
            autocomplete="off"
            aria-invalid={asked.error ? 'true' : undefined}
            aria-describedby={`${id.shareCode}-hint${asked.error ? ` ${id.shareCode}-error` : ''}`}
          />
        </div>
      ) : null}
    </div>
  );
}

/** The server's verdict on the last file of this slot: accepted with its checks (and the e-KYC read), or why not. */
export function DocumentResult({ page, slot }: { page: TPage; slot: TDocumentSlot }) {
  const { t } = page;
  if (slot.refused)
    return (
      <div class="verdict verdict-refused" role="alert">
        <p class="verdict-title">{t('apply.refused', { fileName: slot.refused.fileName })}</p>
        <ul>
          {slot.refused.reasons.map((r) => (
            <li>{r}</li>
          ))}
        </ul>
        <p class="small">{t(slot.shareCode ? 'apply.shareCodeAgain' : 'apply.refusedHint')}</p>
      </div>
    );
  const up = slot.uploaded;
  if (!up) return null;
  return (
    <div class="verdict verdict-ok">
      <input type="hidden" name={`documentId.${slot.kind}`} value={up.documentId} />
      <input type="hidden" name={`fileName.${slot.kind}`} value={up.fileName} />
      <p class="verdict-title">{t('apply.accepted', { fileName: up.fileName })}</p>
      {up.checks ? (
        <p class="small muted">
          {t('apply.checks', { content: up.checks.content ?? '', size: up.checks.size ?? '' })}
        </p>
      ) : null}
      {up.ekyc ? (
        <div class="ekyc">
          <p class="verdict-title">{t('apply.ekycTitle')}</p>
          <dl class="facts">
            <div class="row">
              <dt>{t('apply.ekycName')}</dt>
              <dd>{up.ekyc.name}</dd>
            </div>
            <div class="row">
              <dt>{t('apply.ekycAddress')}</dt>
              <dd>{up.ekyc.address}</dd>
            </div>
            <div class="row">
              <dt>{t('apply.ekycPin')}</dt>
              <dd>{up.ekyc.pinCode}</dd>
            </div>
          </dl>
          <p class="small">{t('apply.ekycCheck')}</p>
        </div>
      ) : null}
    </div>
  );
}

/**
 * The answer to one upload (htmx): the verdict goes into the slot's result; out of band, the
 * share code is asked for (or put away) and, once accepted, the file input is emptied.
 */
export function UploadAnswer({ page, slot }: { page: TPage; slot: TDocumentSlot }) {
  return (
    <>
      <DocumentResult page={page} slot={slot} />
      <ShareCode page={page} slot={slot} oob />
      {slot.uploaded ? <Picker page={page} slot={slot} oob /> : null}
      {slot.uploaded ? <SlotError slot={slot} oob /> : null}
    </>
  );
}

/**
 * One document a form needs: what to bring, a file input, Upload (judged at once, with a
 * progress bar, by web/upload-progress.js and htmx), the verdict. Without script the file goes with the form.
 */
export function DocumentSlotField({ page, slot }: { page: TPage; slot: TDocumentSlot }) {
  const { t, language } = page;
  const id = ids(slot.kind);
  return (
    <fieldset class={slot.error ? 'document has-error' : 'document'} id={id.slot} data-upload>
      <legend>
        <span class="document-kind">{documentKindName(slot.kind, language)}</span>{' '}
        <span class={slot.required ? 'tag tag-required' : 'tag'}>
          {t(slot.required ? 'apply.required' : 'apply.optional')}
        </span>
      </legend>
      {slot.note ? <p class="hint">{slot.note}</p> : null}
      <SlotError slot={slot} />
      <Picker page={page} slot={slot} />
      <ShareCode page={page} slot={slot} />
      <div class="upload-row">
        <button
          type="button"
          class="button secondary"
          hx-post={`/upload/${slot.kind}`}
          hx-encoding="multipart/form-data"
          hx-params={`_csrf,documents.${slot.kind},shareCode.${slot.kind}`}
          hx-target={`#${id.result}`}
          hx-swap="innerHTML"
        >
          {t('apply.upload')}
        </button>
        <UploadProgress page={page} />
      </div>
      <div id={id.result} class="document-result" aria-live="polite">
        <DocumentResult page={page} slot={slot} />
      </div>
    </fieldset>
  );
}
