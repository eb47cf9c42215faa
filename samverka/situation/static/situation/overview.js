// Filters of the lägesbild overview update the figures in place (the form still works
// without JavaScript: it reloads the page). The status line tells screen readers; a
// newer change cancels the request of an older one, so the figures always show the
// filters the form shows; dates are sent once typing has paused.
(function () {
  "use strict";
  var form = document.getElementById("overview-filters");
  var target = document.getElementById("overview");
  var status = document.getElementById("overview-status");
  if (!form || !target || !window.fetch || !window.AbortController) { return; }
  var pending = null;
  var timer = null;
  function update() {
    if (pending) { pending.abort(); }
    var controller = new AbortController();
    pending = controller;
    var query = new URLSearchParams(new FormData(form));
    var url = form.getAttribute("data-partial-url") + "?" + query.toString();
    target.setAttribute("aria-busy", "true");
    fetch(url + "&partial=overview", {
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
      signal: controller.signal
    })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        if (pending !== controller) { return; }
        target.innerHTML = html;
        window.history.replaceState(null, "", url + "#overview");
        var body = target.querySelector("[data-filter-error]");
        status.textContent = body ? body.getAttribute("data-filter-error")
          : (form.getAttribute("data-updated") || "Översikten är uppdaterad.");
        target.removeAttribute("aria-busy");
        pending = null;
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") { return; }
        form.submit();
      });
  }
  form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
  form.addEventListener("change", function (event) {
    window.clearTimeout(timer);
    var typing = event.target && event.target.type === "date";
    timer = window.setTimeout(update, typing ? 600 : 0);
  });
  // Forms that remove something ask first.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  }, true);
})();
