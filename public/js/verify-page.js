// Verifies a draw record in the browser with the same engine the server runs (global
// DrawVerify from /build/draw-verify.js), so the record never leaves the visitor's machine.
// Without JavaScript the form posts the file and the server verifies it instead. Every text
// shown comes from the page's templates, in the page's language, as on a draw's page
// (public/js/draw-page.js): a failure shows its reason, where the record differs and the two
// values; the engine's English sentence only where there are no values to compare.
(function () {
  'use strict';
  var form = document.getElementById('verify-form');
  var output = document.getElementById('verify-result');
  var texts = document.getElementById('verify-texts');
  if (!form || !output || !texts || !window.DrawVerify || !window.VerifyTexts) return;
  document.getElementById('verify-where').hidden = false;
  var shared = window.VerifyTexts(texts);
  var text = shared.text;
  var shown = shared.shown;
  var fill = shared.fill;

  function showOk(node, summary) {
    ['taskId', 'spec', 'announcementDigest', 'poolDigest', 'derivedKey', 'selected', 'teams', 'recusals'].forEach(function (field) {
      var value = summary[field];
      fill(node, field, value === undefined || value === null ? '—' : String(value));
    });
    node.querySelectorAll('[data-list="sources"]').forEach(function (list) {
      (summary.sources || []).forEach(function (line) {
        var item = document.createElement('li');
        item.textContent = line;
        list.appendChild(item);
      });
    });
  }

  function showFailure(node, result) {
    var compared = 'expected' in result || 'actual' in result;
    fill(node, 'codeText', text('[data-code="' + result.code + '"]') || text('[data-code="other"]'));
    fill(node, 'code', result.code);
    fill(node, 'path', result.path || text('[data-text="wholeRecord"]'));
    fill(node, 'expected', 'expected' in result ? shown(result.expected) : '—');
    fill(node, 'actual', 'actual' in result ? shown(result.actual) : '—');
    fill(node, 'message', compared ? '' : result.message);
    node.querySelectorAll('[data-row="message"]').forEach(function (row) { row.hidden = compared; });
  }

  function show(result) {
    var template = document.getElementById(result.ok ? 'verify-ok-template' : 'verify-fail-template');
    var node = template.content.cloneNode(true);
    if (result.ok) showOk(node, result.summary);
    else showFailure(node, result);
    output.replaceChildren(node);
  }

  form.addEventListener('submit', function (event) {
    var file = form.querySelector('input[type=file]').files[0];
    if (!file) return; // let the server answer with its field message
    event.preventDefault();
    var digestField = form.querySelector('[name=announcementDigest]');
    var digest = digestField ? digestField.value.trim().toLowerCase() : '';
    var published = digest === '' ? {} : { announcementDigest: digest };
    file.text().then(function (recordText) {
      show(window.DrawVerify.verifyJson(recordText, published));
    });
  });
})();
