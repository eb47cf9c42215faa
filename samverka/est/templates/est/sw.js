/* samverka EST service worker: the reporting form and its static files load without a
   connection (network first, the last copy when offline); queued reports are sent by
   the page's script (report.js) when the connection returns. */
"use strict";
var CACHE = "samverka-est-1";
var FORM = "{{ form_path|escapejs }}";
var STATIC = "{{ static_url|escapejs }}";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });
self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var path = new URL(request.url).pathname;
  if (path !== FORM && path.indexOf(STATIC) !== 0) return;
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request).then(function (found) { return found || Response.error(); });
  }));
});
