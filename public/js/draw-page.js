// The "verify" button of a draw's page (views/announcements/draw.ejs): fetches the draw's
// published record and re-runs the draw in the browser with the same engine the server runs
// (global DrawVerify from /build/draw-verify.js), checked against the announcement digest the
// page published; a record the visitor holds is checked the same way without being uploaded.
// Every text shown comes from the page's templates, in the page's language. Without
// JavaScript (or without the engine) both forms post to the server, which renders the same.
(function () {
  'use strict';
  var output = document.getElementById('draw-verify-result');
  var texts = document.getElementById('draw-verify-texts');
  if (!output || !texts || !window.DrawVerify || !window.VerifyTexts) return;
  var shared = window.VerifyTexts(texts);
  var text = shared.text;
  var shown = shared.shown;
  var fill = shared.fill;

  function show(result, what) {
    var template = document.getElementById(result.ok ? 'draw-verify-ok' : 'draw-verify-fail');
    var node = template.content.cloneNode(true);
    fill(node, 'by', text('[data-by="browser.' + what + '"]'));
    if (result.ok) {
      var s = result.summary;
      ['announcementDigest', 'spec', 'derivedKey', 'selected', 'teams', 'recusals'].forEach(function (field) {
        fill(node, field, s[field] === null || s[field] === undefined ? '—' : String(s[field]));
      });
    } else {
      fill(node, 'codeText', text('[data-code="' + result.code + '"]') || text('[data-code="other"]'));
      fill(node, 'code', result.code);
      fill(node, 'path', result.path || text('[data-text="wholeRecord"]'));
      fill(node, 'expected', 'expected' in result ? shown(result.expected) : '—');
      fill(node, 'actual', 'actual' in result ? shown(result.actual) : '—');
      fill(node, 'message', result.message);
    }
    output.replaceChildren(node);
    output.scrollIntoView({ block: 'nearest' });
  }

  function verifyText(recordText, digest, what) {
    show(window.DrawVerify.verifyJson(recordText, { announcementDigest: digest }), what);
  }

  var button = document.getElementById('draw-verify-form');
  if (button) {
    var status = document.getElementById('draw-verify-status');
    button.addEventListener('submit', function (event) {
      event.preventDefault();
      var submit = button.querySelector('button');
      submit.disabled = true;
      status.hidden = false;
      output.replaceChildren();
      fetch(button.getAttribute('data-record-url'), { credentials: 'same-origin', headers: { accept: 'application/json' } })
        .then(function (response) {
          if (!response.ok) throw new Error('HTTP ' + response.status);
          return response.text();
        })
        .then(function (recordText) {
          // Let the status paint before the engine holds the main thread.
          return new Promise(function (resolve) { setTimeout(resolve, 0); }).then(function () {
            verifyText(recordText, button.getAttribute('data-digest'), 'record');
          });
        })
        .catch(function (error) {
          show({ ok: false, code: 'FETCH_FAILED', path: '', message: String(error && error.message ? error.message : error) }, 'record');
        })
        .finally(function () {
          submit.disabled = false;
          status.hidden = true;
        });
    });
  }

  var upload = document.getElementById('draw-upload-form');
  if (upload) {
    upload.addEventListener('submit', function (event) {
      var file = upload.querySelector('input[type=file]').files[0];
      if (!file) return; // the server answers with its field message
      event.preventDefault();
      file.text().then(function (recordText) {
        verifyText(recordText, upload.getAttribute('data-digest'), 'upload');
      });
    });
  }
})();
