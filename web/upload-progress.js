/* global document, Element */
// The portal's one script (no inline script: the CSP allows only files of this site). It shows the
// progress of an upload: htmx reports it as `htmx:xhr:progress` on the element that sent the
// request (an Upload button, or a form sent with its files); the bar and the words next to it are
// those of the nearest `[data-upload]` block.
(() => {
  const partsOf = (target) => {
    const box = target instanceof Element ? target.closest('[data-upload]') : null;
    if (!box) return undefined;
    // the bar of this block itself, not of a block inside it
    const own = (selector) =>
      [...box.querySelectorAll(selector)].find((el) => el.closest('[data-upload]') === box);
    return { bar: own('progress'), words: own('.progress-text') };
  };
  document.addEventListener('htmx:xhr:loadstart', (event) => {
    const parts = partsOf(event.target);
    if (!parts?.bar) return;
    parts.bar.hidden = false;
    parts.bar.value = 0;
  });
  document.addEventListener('htmx:xhr:progress', (event) => {
    const parts = partsOf(event.target);
    const { loaded, total, lengthComputable } = event.detail ?? {};
    if (!parts?.bar || !lengthComputable || !total) return;
    const percent = Math.min(100, Math.round((loaded / total) * 100));
    parts.bar.value = percent;
    if (parts.words) parts.words.textContent = `${parts.words.dataset.uploading ?? ''} ${percent}%`;
  });
  document.addEventListener('htmx:afterRequest', (event) => {
    const parts = partsOf(event.target);
    if (!parts?.bar) return;
    parts.bar.value = 100;
    parts.bar.hidden = true;
    if (parts.words) parts.words.textContent = '';
  });
})();
