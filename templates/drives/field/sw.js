// The field app's service worker (docs/FIELD.md), served at /sw.js by drives.field_pwa.service_worker.
// Workbox (static/vendor/workbox) does the routing and the caching; db.js is the IndexedDB the pages share.
//
//   navigations to / and /field/…  NetworkFirst (4 s), each page cached under the user it was made for
//   /static/…                      StaleWhileRevalidate
//   /api/…                         never cached: always the network (writes go through the outbox)
//   no network, no saved page      the offline page, fetched without cookies when the worker installs
/* eslint-disable */
"use strict";
importScripts({{ workbox_sw|safe }});
workbox.setConfig({ debug: false, modulePathPrefix: {{ workbox_prefix|safe }} });
importScripts({{ idb_js|safe }}, {{ db_js|safe }});
{% if has_outbox %}try {
  importScripts({{ outbox_js|safe }});
} catch (error) {
  // Without the outbox the pages still send their records; the worker only loses Background Sync.
}{% endif %}

// Workbox loads a module on first use, and a worker may load scripts only while it starts: load them now.
var core = workbox.core;
var routing = workbox.routing;
var strategies = workbox.strategies;
var expiration = workbox.expiration;
var cacheable = workbox.cacheableResponse;

var PAGES = "kesco-field-pages";
var STATIC = "kesco-static";
var OFFLINE = "kesco-offline";
var OFFLINE_URL = {{ offline_url|safe }};
var STATIC_PREFIX = {{ static_prefix|safe }};
var SIGN_IN_OUT = [{{ login_url|safe }}, {{ logout_url|safe }}];
var USER_PARAM = "kesco-user";
var NOBODY = "-";  // the key for "no user": nothing is ever written under it, so nothing is read

// The user a page was made for: every field page's root carries data-user (templates/drives/field/_base.html).
function userOf(html) {
  var found = /data-user="([^"]+)"/.exec(html);
  return found ? found[1] : null;
}

// A page's cache key: its address with the user added, so one clerk's pages are never another's.
function keyFor(url, user) {
  var address = new URL(url, self.location.origin);
  address.hash = "";
  address.searchParams.set(USER_PARAM, user || NOBODY);
  return address.href;
}

function isHtml(response) {
  return (response.headers.get("Content-Type") || "").indexOf("text/html") === 0;
}

// Reads: the user the phone is working for now (meta "user"). Writes: the user the page itself names, which
// the server just rendered; that is also who the phone works for from now on.
var perUser = {
  fetchDidSucceed: async function (options) {
    options.state.user = null;
    if (options.response.status === 200 && !options.response.redirected && isHtml(options.response)) {
      options.state.user = userOf(await options.response.clone().text());
      if (options.state.user) await KescoFieldDB.metaSet("user", options.state.user);
    }
    return options.response;
  },
  cacheKeyWillBeUsed: async function (options) {
    var user = options.mode === "write" ? options.state.user : await KescoFieldDB.metaGet("user");
    return keyFor(options.request.url, user);
  },
  cacheWillUpdate: async function (options) {
    return options.state.user && options.response.status === 200 ? options.response : null;
  }
};

var DAY = 24 * 60 * 60;
var pages = new strategies.NetworkFirst({
  cacheName: PAGES,
  networkTimeoutSeconds: 4,
  plugins: [perUser, new expiration.ExpirationPlugin({ maxEntries: 600, maxAgeSeconds: 2 * DAY })]
});

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(OFFLINE).then(function (cache) {
    return fetch(new Request(OFFLINE_URL, { credentials: "omit", cache: "reload" })).then(function (response) {
      if (!response.ok) throw new Error("offline page: " + response.status);
      return cache.put(OFFLINE_URL, response);
    });
  }).then(function () { return self.skipWaiting(); }));
});
core.clientsClaim();

// Someone signs in or out: the phone works for nobody until a page names the next user.
self.addEventListener("fetch", function (event) {
  var url = new URL(event.request.url);
  if (event.request.method === "POST" && url.origin === self.location.origin
      && SIGN_IN_OUT.indexOf(url.pathname) !== -1) {
    event.waitUntil(KescoFieldDB.metaSet("user", null));
  }
});

routing.registerRoute(function (options) {
  return options.request.mode === "navigate" && options.url.origin === self.location.origin
    && (options.url.pathname === "/" || options.url.pathname.indexOf("/field/") === 0);
}, pages);

routing.registerRoute(function (options) {
  return options.url.origin === self.location.origin && options.url.pathname.indexOf(STATIC_PREFIX) === 0;
}, new strategies.StaleWhileRevalidate({
  cacheName: STATIC,
  plugins: [new cacheable.CacheableResponsePlugin({ statuses: [200] }),
            new expiration.ExpirationPlugin({ maxEntries: 300, maxAgeSeconds: 30 * DAY })]
}));

routing.setCatchHandler(async function (options) {
  if (options.request.mode === "navigate") {
    var page = await caches.match(OFFLINE_URL, { cacheName: OFFLINE });
    if (page) return page;
  }
  return Response.error();
});

// {type: "cache-day", urls, assets}: the day's pages (for whoever the server says is signed in) and the static
// files the pages use. Answers {saved, failed, user} on the message's port.
async function cacheDay(urls, assets) {
  var pagesCache = await caches.open(PAGES);
  var staticCache = await caches.open(STATIC);
  var result = { type: "day-cached", saved: 0, failed: 0, user: null };
  var seen = {};
  async function savePage(url) {
    try {
      var response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
      var html = response.status === 200 && !response.redirected && isHtml(response)
        ? await response.clone().text() : "";
      var user = userOf(html);
      if (!user) { result.failed += 1; return; }
      // The page's own scripts and styles (the receipt's receipt.js is on no other page).
      html.replace(/(?:src|href)="([^"]+)"/g, function (match, found) {
        var asset = new URL(found.replace(/&amp;/g, "&"), self.location.origin);
        if (asset.origin === self.location.origin && asset.pathname.indexOf(STATIC_PREFIX) === 0
            && !seen[asset.href]) {
          seen[asset.href] = true;
          queue.push(function () { return saveAsset(asset.href); });
        }
        return match;
      });
      await pagesCache.put(keyFor(url, user), response);
      result.saved += 1;
      result.user = user;
    } catch (error) {
      result.failed += 1;
    }
  }
  async function saveAsset(url) {
    try {
      var response = await fetch(url);
      if (response.status === 200) await staticCache.put(url, response);
    } catch (error) { /* the next page that uses it caches it */ }
  }
  // A few at a time: a phone on a weak network, a server shared with the other clerks.
  assets.forEach(function (url) { seen[new URL(url, self.location.origin).href] = true; });
  var queue = urls.map(function (url) { return function () { return savePage(url); }; })
    .concat(assets.map(function (url) { return function () { return saveAsset(url); }; }));
  async function worker() {
    while (queue.length) await queue.shift()();
  }
  await Promise.all([worker(), worker(), worker(), worker()]);
  return result;
}

// {type: "saved", url}: whether a navigation to ``url`` would be answered with no network, i.e. the page is saved
// for the user the phone works for (meta "user") and not older than the pages' 2 days. Answers {saved}. The pages
// ask before going to a page offline (app.js): the clerk is not sent to the offline page after a payment.
async function isSaved(url) {
  var user = await KescoFieldDB.metaGet("user");
  if (!user) return false;
  var response = await caches.match(keyFor(url, user), { cacheName: PAGES });
  if (!response) return false;
  var date = Date.parse(response.headers.get("Date") || "");
  return isNaN(date) || Date.now() - date <= 2 * DAY * 1000;
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  var port = event.ports && event.ports[0];
  function reply(value) { if (port) port.postMessage(value); }
  if (data.type === "user") {
    event.waitUntil(KescoFieldDB.metaSet("user", data.user || null).then(function () { reply({ ok: true }); }));
  } else if (data.type === "cache-day") {
    event.waitUntil(cacheDay(data.urls || [], data.assets || []).then(reply));
  } else if (data.type === "saved") {
    event.waitUntil(isSaved(data.url || "").catch(function () { return false; })
      .then(function (saved) { reply({ type: "saved", saved: saved }); }));
  }
});

// Background Sync (the outbox registers "kesco-outbox"): send the records of the user the phone works for.
self.addEventListener("sync", function (event) {
  if (event.tag !== "kesco-outbox" || !self.KescoOutbox) return;
  event.waitUntil(KescoFieldDB.metaGet("user").then(function (user) {
    return user ? self.KescoOutbox.flush({ user: user }) : null;
  }));
});
