// Live import progress: polls the run's JSON once a second and updates the numbers in place;
// when the run ends, reloads once so the page shows the final state and the error report.
// Without JavaScript the page refreshes itself (a <noscript> meta refresh) instead.
(function () {
  'use strict';
  var section = document.getElementById('import-progress');
  if (!section || section.getAttribute('data-status') !== 'running') return;
  var url = '/api/v1/imports/' + encodeURIComponent(section.getAttribute('data-run'));
  function set(name, value) {
    var node = section.querySelector('[data-progress="' + name + '"]');
    if (node) node.textContent = String(value);
  }
  function poll() {
    fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        var progress = body.run.progress;
        if (body.run.status !== 'running') { window.location.reload(); return; }
        set('read', progress.counts.read);
        set('inserted', progress.counts.inserted);
        set('updated', progress.counts.updated);
        set('unchanged', progress.counts.unchanged);
        set('rejected', progress.counts.rejected);
        set('rate', Math.round(progress.rowsPerSecond));
        set('eta', progress.etaSeconds === undefined || progress.etaSeconds === null ? '—' : Math.ceil(progress.etaSeconds) + ' s');
        section.querySelector('[data-progress="bar"]').value = progress.percent;
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
