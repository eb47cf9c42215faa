// After a form comes back with errors, move the focus to its summary, so that keyboard
// and screen-reader users start where the errors are listed (each links to its field).
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary[tabindex]");
  if (summary) { summary.focus(); }
})();

// A button marked data-print prints the page (no inline handlers: the Content-Security-Policy
// allows no inline script).
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
