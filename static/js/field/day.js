// The clerk's day on the phone (docs/FIELD.md). On today's stops, with a network: reads the day through the
// API (today's drives not closed on which the clerk has stops, then each drive's stops, every page), keeps it in
// IndexedDB ("days", one record per user: db.js), and asks the service worker to save the day's pages for
// this user. Without a network it says when the day was saved. Words come from _pwa.html's data-msg-*.
(function () {
  "use strict";
  var root = document.querySelector("[data-pwa]");
  var page = document.querySelector("[data-user]");
  if (!root || !page || !page.dataset.user || !window.KescoFieldDB) return;
  var path = window.location.pathname;
  if (path !== root.dataset.home && path !== "/") return;
  var user = page.dataset.user;
  var INDIA = "Asia/Kolkata";

  function today() {  // YYYY-MM-DD in India, whatever the phone's zone
    return new Intl.DateTimeFormat("en-CA", { timeZone: INDIA, year: "numeric", month: "2-digit",
                                              day: "2-digit" }).format(new Date());
  }

  function clock(iso) {
    return new Intl.DateTimeFormat("en-GB", { timeZone: INDIA, hour: "2-digit", minute: "2-digit",
                                              hour12: false }).format(new Date(iso));
  }

  function say(text, failed) {
    var line = document.querySelector("[data-day-saved]");
    if (!line) {
      line = document.createElement("p");
      line.setAttribute("data-day-saved", "");
      line.setAttribute("role", "status");
      var heading = page.querySelector("h1");
      if (heading) heading.insertAdjacentElement("afterend", line);
      else page.insertBefore(line, page.firstChild);
    }
    line.className = failed ? "day-saved warn" : "day-saved muted";
    line.textContent = text;
  }

  function saidSaved(day) {
    var count = day.stops.length;
    var template = count === 1 ? root.dataset.msgDaySavedOne : root.dataset.msgDaySaved;
    say(template.replace("{time}", clock(day.fetched_at)).replace("{count}", String(count)));
  }

  // Every page of a list: the API answers DRF's page envelope {count, next, previous, results}.
  async function all(url) {
    var rows = [];
    while (url) {
      var response = await fetch(url, { credentials: "same-origin",
                                        headers: { Accept: "application/json", "X-Field-User": user } });
      if (!response.ok) throw new Error(url + ": " + response.status);
      var body = await response.json();
      if (Array.isArray(body)) return rows.concat(body);
      rows = rows.concat(body.results || []);
      url = body.next;
    }
    return rows;
  }

  function staticAssets() {
    var urls = {};
    var prefix = window.location.origin + "/static/";
    document.querySelectorAll("script[src], link[href]").forEach(function (element) {
      var url = element.src || element.href;
      if (url && url.indexOf(prefix) === 0) urls[url] = true;
    });
    // The Devanagari font: a page in English never fetches it (unicode-range), yet a Hindi name or the Hindi
    // half of the offline receipt needs it with no network.
    (root.getAttribute("data-fonts") || "").split(" ").forEach(function (url) {
      if (url) urls[new URL(url, window.location.origin).href] = true;
    });
    (performance.getEntriesByType ? performance.getEntriesByType("resource") : []).forEach(function (entry) {
      if (entry.name.indexOf(prefix) === 0) urls[entry.name] = true;
    });
    return Object.keys(urls);
  }

  async function saveDay() {
    // The day's own pages first (today's stops, the offline receipt, the outbox…): once asked, the worker saves
    // them even if the clerk leaves this page before the reads below are back (a navigation aborts those).
    var first = window.KescoPWA
      ? window.KescoPWA.message({ type: "cache-day", urls: root.dataset.dayPages.split(" "), assets: staticAssets() })
      : null;
    if (first) first.catch(function () { /* awaited below */ });
    var date = today();
    // Every drive of the day, the closed ones left out here (status=open is the API's newer filter: this works
    // with and without it).
    var drives = (await all(root.dataset.drivesApi + "?date=" + date)).filter(function (drive) {
      return drive.status !== "closed";
    });
    var stops = [];
    for (var i = 0; i < drives.length; i += 1) {
      stops = stops.concat(await all(root.dataset.drivesApi + drives[i].id + "/stops/"));
    }
    var day = { user: user, date: date, fetched_at: new Date().toISOString(), drives: drives, stops: stops };
    var db = await window.KescoFieldDB.open();
    await db.put("days", day);
    if (!first) throw new Error("no service worker");
    var urls = [];
    stops.forEach(function (stop) {
      urls.push(root.dataset.stopUrl.replace("/0/", "/" + stop.id + "/"));
      urls.push(root.dataset.payUrl.replace("/0/", "/" + stop.id + "/"));
    });
    var answers = await Promise.all([first, window.KescoPWA.message({ type: "cache-day", urls: urls,
                                                                        assets: staticAssets() })]);
    day.pages_saved = answers[0].saved + answers[1].saved;
    await db.put("days", day);
    return day;
  }

  async function savedDay() {
    var db = await window.KescoFieldDB.open();
    return db.get("days", user);
  }

  if (navigator.onLine) {
    saveDay().then(function (day) {
      saidSaved(day);
      root.dataset.daySaved = day.fetched_at;
    }).catch(function () {
      return savedDay().then(function (day) {
        if (day) saidSaved(day); else say(root.dataset.msgDayFailed, true);
      });
    });
  } else {
    savedDay().then(function (day) { if (day) saidSaved(day); });
  }
}());
