// Filters of the lägesbild overview update the figures in place (the form still works
// without JavaScript: it reloads the page). The status line tells screen readers.
(function () {
  "use strict";
  var form = document.getElementById("overview-filters");
  var target = document.getElementById("overview");
  var status = document.getElementById("overview-status");
  if (!form || !target || !window.fetch) { return; }
  var busy = false;
  function update(event) {
    if (event) { event.preventDefault(); }
    if (busy) { return; }
    busy = true;
    var query = new URLSearchParams(new FormData(form));
    var url = form.getAttribute("data-partial-url") + "?" + query.toString();
    target.setAttribute("aria-busy", "true");
    fetch(url + "&partial=overview", { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        target.innerHTML = html;
        window.history.replaceState(null, "", url + "#overview");
        status.textContent = form.getAttribute("data-updated") || "Översikten är uppdaterad.";
      })
      .catch(function () { form.submit(); })
      .finally(function () { busy = false; target.removeAttribute("aria-busy"); });
  }
  form.addEventListener("submit", update);
  form.addEventListener("change", update);
})();
