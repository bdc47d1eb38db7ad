// Progressive enhancement only (every page works without it): after a form comes back with
// errors, move focus to the error summary so screen-reader and keyboard users land on it.
document.addEventListener('DOMContentLoaded', () => {
  const summary = document.querySelector('[data-error-summary]');
  if (summary instanceof HTMLElement) summary.focus();
});
