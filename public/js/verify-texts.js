// What the two browser verifiers (public/js/verify-page.js on /verify, public/js/draw-page.js on
// a draw's page) share: reading a text from the page's <template> of texts, in the page's
// language, showing a value as the server shows it (JSON, cut at 400 characters), and filling
// the [data-field] cells of a cloned result template. Loaded before either (defer keeps order).
(function () {
  'use strict';
  var MAX_SHOWN = 400;

  window.VerifyTexts = function (texts) {
    return {
      text: function (selector) {
        var node = texts.content.querySelector(selector);
        return node ? node.textContent : '';
      },
      shown: function (value) {
        if (value === undefined) return '—';
        var s = JSON.stringify(value);
        if (s === undefined) s = String(value);
        return s.length > MAX_SHOWN ? s.slice(0, MAX_SHOWN) + '…' : s;
      },
      fill: function (node, field, value) {
        node.querySelectorAll('[data-field="' + field + '"]').forEach(function (cell) {
          (cell.querySelector('code') || cell).textContent = value;
        });
      },
    };
  };
})();
