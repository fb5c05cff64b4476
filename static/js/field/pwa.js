// Registers the field app's service worker (/sw.js, templates/drives/field/sw.js) with workbox-window, links
// the web manifest, and tells the worker which user this page was made for (docs/FIELD.md).
// window.KescoPWA.message(data) posts to the active worker and resolves with its answer (day.js uses it).
(function () {
  "use strict";
  var root = document.querySelector("[data-pwa]");
  var page = document.querySelector("[data-user]");
  if (!root) return;
  var user = page && page.dataset.user ? page.dataset.user : null;

  // The manifest and the theme colour belong in <head>; the field pages' shared head is base.html's.
  if (!document.querySelector("link[rel=manifest]")) {
    var link = document.createElement("link");
    link.rel = "manifest";
    link.href = root.dataset.manifest;
    document.head.appendChild(link);
    var theme = document.createElement("meta");
    theme.name = "theme-color";
    theme.content = root.dataset.theme;
    document.head.appendChild(theme);
  }
  if (window.KescoFieldDB) window.KescoFieldDB.metaSet("user", user);
  if (!("serviceWorker" in navigator) || !window.workbox) return;

  var wb = new window.workbox.Workbox(root.dataset.sw, { scope: "/" });
  var ready = wb.register({ immediate: true }).then(function () { return navigator.serviceWorker.ready; });

  function message(data) {
    return ready.then(function (registration) {
      return new Promise(function (resolve) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function (event) { resolve(event.data); };
        registration.active.postMessage(data, [channel.port2]);
      });
    });
  }

  // The worker knows the user from the pages it fetches; this also covers the first page, fetched before the
  // worker controlled it. data-sw-ready marks the page once the worker answers (the browser tests wait on it).
  ready.then(function () { return message({ type: "user", user: user }); })
    .then(function () { root.dataset.swReady = "1"; })
    .catch(function () { root.dataset.swReady = "failed"; });

  window.KescoPWA = { ready: ready, message: message };
}());
