/* EST reporting on a poor connection: a report is queued on the device (localStorage)
   under its idempotency key and sent when there is a connection; the server stores a
   key once, so a report sent again is not stored twice. No framework, no CDN. */
(function () {
  "use strict";
  var form = document.getElementById("est-form");
  if (!form || !window.fetch || !window.localStorage) return;
  var QUEUE = "samverka-est-queue";
  var text = form.dataset;
  var user = text.user;
  var status = document.getElementById("est-status");
  var list = document.getElementById("est-queue-list");
  var total = form.querySelector('[name="obs-TOTAL_FORMS"]');
  var template = document.getElementById("est-empty");
  var box = document.getElementById("est-observations");
  var sending = false;
  var sent = 0;

  function load() {
    try { return JSON.parse(localStorage.getItem(QUEUE)) || []; } catch (e) { return []; }
  }
  function store(queue) { localStorage.setItem(QUEUE, JSON.stringify(queue)); }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }
  function nowLocal() {
    var d = new Date();
    d.setSeconds(0, 0);
    return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  }
  function mine(queue) { return queue.filter(function (item) { return item.user === user; }); }

  function show(message) {
    var queue = mine(load());
    list.textContent = "";
    queue.forEach(function (item) {
      var li = document.createElement("li");
      li.textContent = item.label + (item.error ? " – " + text.refused + ": " + item.error : "");
      list.appendChild(li);
    });
    var parts = [];
    if (message) parts.push(message);
    if (sent) parts.push(text.sent.replace("{n}", sent));
    if (queue.length) parts.push(text.waiting.replace("{n}", queue.length));
    status.textContent = parts.join(" ");
  }

  function settle(key, error) {
    var queue = load();
    queue = error === undefined
      ? queue.filter(function (item) { return item.key !== key; })
      : queue.map(function (item) { if (item.key === key) item.error = error; return item; });
    store(queue);
  }

  function flush() {
    if (sending) return;
    var item = mine(load()).filter(function (i) { return !i.error; })[0];
    if (!item) { show(); return; }
    sending = true;
    var token = form.querySelector('[name="csrfmiddlewaretoken"]').value;
    var body = new URLSearchParams();
    item.fields.forEach(function (pair) {
      body.append(pair[0], pair[0] === "csrfmiddlewaretoken" ? token : pair[1]);
    });
    fetch(form.action, {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"X-Requested-With": "samverka-est"}
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.redirected) { sending = false; show(text.signin); return null; }
      if (response.status >= 500) { sending = false; show(); return null; }
      if (type.indexOf("application/json") < 0) {
        settle(item.key, String(response.status));
        return "next";
      }
      return response.json().then(function (answer) {
        if (response.ok) { settle(item.key); sent += 1; return "next"; }
        var errors = [];
        Object.keys(answer.errors || {}).forEach(function (k) {
          errors.push((k ? k + " " : "") + answer.errors[k].join(" "));
        });
        settle(item.key, errors.join(" "));
        return "next";
      });
    }).then(function (next) {
      if (next) { sending = false; flush(); }
    }).catch(function () { sending = false; show(); });
  }

  function fieldset(node) {
    var number = node.querySelector(".est-number");
    if (number) number.textContent = box.children.length;
    var start = node.querySelector('[name$="-starts_at"]');
    if (start && !start.value) start.value = nowLocal();
    var button = node.querySelector(".est-position");
    var note = node.querySelector(".est-position-text");
    if (!button || !navigator.geolocation) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (p) {
        node.querySelector('[name$="-latitude"]').value = p.coords.latitude.toFixed(6);
        node.querySelector('[name$="-longitude"]').value = p.coords.longitude.toFixed(6);
        node.querySelector('[name$="-accuracy_m"]').value = Math.round(p.coords.accuracy);
        note.textContent = text.position.replace("{n}", Math.round(p.coords.accuracy));
      }, function () { note.textContent = text.noPosition; },
      {enableHighAccuracy: true, timeout: 10000, maximumAge: 60000});
    });
  }

  function add() {
    var index = parseInt(total.value, 10);
    var wrap = document.createElement("div");
    wrap.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var node = wrap.firstElementChild;
    box.appendChild(node);
    total.value = String(index + 1);
    fieldset(node);
    var first = node.querySelector("select, input:not([type=hidden]), textarea");
    if (first) first.focus();
  }

  function problems() {
    var found = [];
    Array.prototype.forEach.call(box.children, function (node) {
      var value = function (s) { var f = node.querySelector(s); return f ? f.value : ""; };
      if (!value('[name$="-category"]')) found.push(text.needCategory);
      if (!value('[name$="-sub_area"]') && !value('[name$="-place_name"]') && !value('[name$="-latitude"]')) {
        found.push(text.needPlace);
      }
    });
    return found.filter(function (m, i) { return found.indexOf(m) === i; });
  }

  function label() {
    return Array.prototype.map.call(box.children, function (node) {
      var select = node.querySelector('[name$="-category"]');
      var start = node.querySelector('[name$="-starts_at"]');
      return select.options[select.selectedIndex].text + " " + start.value.replace("T", " ");
    }).join(", ");
  }

  function reset() {
    while (box.children.length > 1) box.removeChild(box.lastElementChild);
    total.value = "1";
    form.reset();
    box.querySelectorAll('input[type=hidden]').forEach(function (f) { f.value = ""; });
    box.querySelectorAll(".est-position-text").forEach(function (n) { n.textContent = ""; });
    form.querySelector('[name="key"]').value = newKey();
    var start = box.querySelector('[name$="-starts_at"]');
    if (start) start.value = nowLocal();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (event.submitter && event.submitter.name === "add") { add(); return; }
    var found = problems();
    if (found.length) { show(found.join(" ")); return; }
    var fields = [];
    new FormData(form).forEach(function (value, name) { fields.push([name, String(value)]); });
    var key = form.querySelector('[name="key"]').value;
    var queue = load();
    if (!queue.some(function (i) { return i.key === key; })) {
      queue.push({key: key, user: user, label: label(), fields: fields});
      store(queue);
    }
    reset();
    show(text.queued);
    flush();
  });
  Array.prototype.forEach.call(box.children, fieldset);
  window.addEventListener("online", flush);
  if ("serviceWorker" in navigator && text.worker) {
    navigator.serviceWorker.register(text.worker).catch(function () { /* the queue works without */ });
  }
  show();
  flush();
})();
