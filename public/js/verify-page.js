// Verifies a draw record in the browser with the same engine the server runs (global
// DrawVerify from /build/draw-verify.js), so the record never leaves the visitor's machine.
// Without JavaScript the form posts the file and the server verifies it instead.
(function () {
  'use strict';
  var form = document.getElementById('verify-form');
  var output = document.getElementById('verify-result');
  if (!form || !output || !window.DrawVerify) return;
  document.getElementById('verify-where').hidden = false;

  function show(result) {
    var template = document.getElementById(result.ok ? 'verify-ok-template' : 'verify-fail-template');
    var node = template.content.cloneNode(true);
    var values = result.ok ? result.summary : result;
    node.querySelectorAll('[data-field]').forEach(function (cell) {
      var value = values[cell.getAttribute('data-field')];
      var target = cell.querySelector('code') || cell;
      target.textContent = value === undefined || value === null ? '—' : String(value);
    });
    node.querySelectorAll('[data-list]').forEach(function (list) {
      (values[list.getAttribute('data-list')] || []).forEach(function (line) {
        var item = document.createElement('li');
        item.textContent = line;
        list.appendChild(item);
      });
    });
    output.replaceChildren(node);
  }

  form.addEventListener('submit', function (event) {
    var file = form.querySelector('input[type=file]').files[0];
    if (!file) return; // let the server answer with its field message
    event.preventDefault();
    var digestField = form.querySelector('[name=announcementDigest]');
    var digest = digestField ? digestField.value.trim().toLowerCase() : '';
    var published = digest === '' ? {} : { announcementDigest: digest };
    file.text().then(function (text) {
      show(window.DrawVerify.verifyJson(text, published));
    });
  });
})();
