// The field app's outbox: what the clerk did (an outcome, a payment, a reconnection, a handover), kept in
// IndexedDB (static/js/field/db.js, store "outbox") until the server has it. Loaded by the field pages and by the
// service worker (importScripts): no DOM here, only fetch, IndexedDB and Web Locks.
//
// Each record names the user who made it and is sent only as that user (header X-Field-User: the server answers
// 409 wrong_user under another session and writes nothing). Each carries its own key, sent as Idempotency-Key, so a
// retry after a lost answer replays the first answer and never records twice. A refusal the server would give
// again (a 4xx with a code) moves the record to "attention"; anything else (no network, 5xx, 429, a logged-out
// session, CSRF) leaves it "waiting", sent again with a back-off. A record leaves the phone only when the server
// has it (kept 2 days as "sent", for its receipt) or when the clerk deletes it (to the audit store, 30 days).
//
//   KescoOutbox.add(record)            -> the record, stored "waiting"
//   KescoOutbox.flush({user, force})   -> {sent, attention, waiting}; one flush at a time (lock "kesco-outbox")
//   KescoOutbox.list(user), get(key), counts(user), audit(user)
//   KescoOutbox.retry(key, changes)    -> back to "waiting" with changes ({data: {...}} merged, other fields set)
//   KescoOutbox.remove(key, reason)    -> moved to the audit store
//   KescoOutbox.numbers.{unused, take, topUp}: the user's reserved receipt numbers (store "numbers")
//   KescoOutbox.on(listener)           -> listener({type: "progress"|"done", ...}) for the page's status bar
(function (global) {
  "use strict";
  var DB = global.KescoFieldDB;
  var LOCK = "kesco-outbox";
  var FIRST_WAIT = 5000;
  var LONGEST_WAIT = 5 * 60 * 1000;
  var SENT_KEPT = 2 * 24 * 3600 * 1000;
  var AUDIT_KEPT = 30 * 24 * 3600 * 1000;
  var SEND_TIMEOUT = 30000;
  var NUMBERS_LOW = 10;
  var NUMBERS_BLOCK = 20;
  // Refusals that say "not now" rather than "no": the record waits.
  var WAIT_CODES = ["idempotency_in_progress", "wrong_user", "not_authenticated", "authentication_failed"];
  var listeners = [];
  var localBusy = null;

  function now() { return Date.now(); }

  function newKey() {
    if (global.crypto && global.crypto.randomUUID) { return global.crypto.randomUUID(); }
    var bytes = global.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function emit(event) {
    listeners.forEach(function (listener) {
      try { listener(event); } catch (e) { /* a listener's trouble is not the outbox's */ }
    });
  }

  function on(listener) { listeners.push(listener); }

  function db() { return DB.open(); }

  function get(key) { return db().then(function (d) { return d.get("outbox", key); }); }

  function put(record) { return db().then(function (d) { return d.put("outbox", record); }).then(function () { return record; }); }

  function byAge(a, b) { return (a.created_at || "") < (b.created_at || "") ? -1 : 1; }

  // The user's records, oldest first (sent ones older than 2 days pruned on the way).
  function list(user) {
    return DB.mine("outbox", user).then(function (records) {
      var old = records.filter(function (r) { return r.status === "sent" && now() - Date.parse(r.sent_at) > SENT_KEPT; });
      return Promise.all(old.map(function (r) { return db().then(function (d) { return d.delete("outbox", r.key); }); }))
        .then(function () {
          return records.filter(function (r) { return old.indexOf(r) < 0; }).sort(byAge);
        });
    });
  }

  function counts(user) {
    return list(user).then(function (records) {
      var out = { waiting: 0, sending: 0, attention: 0, sent: 0 };
      records.forEach(function (r) { out[r.status] = (out[r.status] || 0) + 1; });
      return DB.metaGet("last_sync:" + user).then(function (last) { out.last_sync = last; return out; });
    });
  }

  function registerSync() {
    var workers = global.navigator && global.navigator.serviceWorker;
    if (!workers || !workers.controller) { return; }
    workers.ready.then(function (registration) {
      if (registration.sync) { return registration.sync.register(LOCK); }
    }).catch(function () { /* no Background Sync: the pages' timers send it */ });
  }

  function add(record) {
    var stamp = new Date().toISOString();
    var full = Object.assign({ key: newKey(), kind: "outcome", data: {}, label: "", stop: null, account_no: "",
                               at: stamp }, record, {
      created_at: stamp, status: "waiting", attempts: 0, next_try_at: 0, error: null, response: null,
      sent_at: null });
    if (!full.user) { return Promise.reject(new Error("an outbox record names its user")); }
    return put(full).then(function () { registerSync(); emit({ type: "added", record: full }); return full; });
  }

  function retry(key, changes) {
    return get(key).then(function (record) {
      if (!record || record.status === "sent") { return record; }
      changes = changes || {};
      Object.keys(changes).forEach(function (name) {
        if (name === "data") { record.data = Object.assign({}, record.data, changes.data); } else { record[name] = changes[name]; }
      });
      record.status = "waiting";
      record.attempts = 0;
      record.next_try_at = 0;
      record.error = null;
      return put(record);
    });
  }

  // Deleted by the clerk (or handed over): kept in the audit store for 30 days, never sent.
  function remove(key, reason) {
    return db().then(function (d) {
      var tx = d.transaction(["outbox", "audit"], "readwrite");
      var outbox = tx.objectStore("outbox");
      return outbox.get(key).then(function (record) {
        if (!record) { return tx.done.then(function () { return null; }); }
        var entry = { key: key, user: record.user, deleted_at: new Date().toISOString(), reason: reason || "deleted",
                      record: record };
        tx.objectStore("audit").put(entry);
        outbox.delete(key);
        return tx.done.then(function () { return entry; });
      });
    });
  }

  function audit(user) {
    return DB.mine("audit", user).then(function (entries) {
      var old = entries.filter(function (e) { return now() - Date.parse(e.deleted_at) > AUDIT_KEPT; });
      return Promise.all(old.map(function (e) { return db().then(function (d) { return d.delete("audit", e.key); }); }))
        .then(function () {
          return entries.filter(function (e) { return old.indexOf(e) < 0; })
            .sort(function (a, b) { return a.deleted_at < b.deleted_at ? 1 : -1; });
        });
    });
  }

  // The CSRF token: the page's cookie; in the service worker, cookieStore where the browser has it, else the
  // token the last page left in meta "csrf".
  function csrf() {
    if (global.document && typeof global.document.cookie === "string") {
      var match = global.document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
      return Promise.resolve(match ? decodeURIComponent(match[1]) : "");
    }
    var fromStore = global.cookieStore
      ? global.cookieStore.get("csrftoken").then(function (c) { return c ? c.value : ""; }, function () { return ""; })
      : Promise.resolve("");
    return fromStore.then(function (token) { return token || DB.metaGet("csrf").then(function (t) { return t || ""; }); });
  }

  function post(url, body, headers) {
    var controller = global.AbortController ? new global.AbortController() : null;
    var timer = controller ? global.setTimeout(function () { controller.abort(); }, SEND_TIMEOUT) : null;
    return global.fetch(url, { method: "POST", headers: headers, body: body, credentials: "same-origin",
                               signal: controller ? controller.signal : undefined })
      .then(function (response) {
        return response.text().then(function (text) {
          var parsed = {};
          try { parsed = text ? JSON.parse(text) : {}; } catch (e) { parsed = { detail: text.slice(0, 300) }; }
          return { status: response.status, ok: response.ok, body: parsed };
        });
      })
      .finally(function () { if (timer) { global.clearTimeout(timer); } });
  }

  function send(record, token) {
    var headers = { "Idempotency-Key": record.key, "X-Field-User": record.user, "X-CSRFToken": token,
                    "Accept": "application/json" };
    var body;
    if (record.photo && record.photo.blob) {
      body = new global.FormData();
      Object.keys(record.data).forEach(function (name) {
        var value = record.data[name];
        if (value !== null && value !== undefined) { body.append(name, value); }
      });
      body.append("photo", record.photo.blob, record.photo.name || "photo.jpg");
    } else {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(record.data);
    }
    return post(record.url, body, headers);
  }

  // What an answer means for the record: "sent", "attention" (the server said no and would say it again) or
  // "waiting" (not now: no network, server trouble, another user's or no session).
  function verdict(answer) {
    if (!answer) { return "waiting"; }
    if (answer.ok) { return "sent"; }
    var body = answer.body || {};
    var code = body.code || "";
    if (answer.status >= 500 || answer.status === 429 || answer.status === 401) { return "waiting"; }
    if (WAIT_CODES.indexOf(code) >= 0) { return "waiting"; }
    if (answer.status === 403 && /csrf/i.test(String(body.detail || ""))) { return "waiting"; }
    if (answer.status === 403 && !code) { return "waiting"; }
    return "attention";
  }

  function errorOf(answer) {
    if (!answer) { return { status: 0, code: "network", detail: "" }; }
    var body = answer.body || {};
    var detail = body.detail;
    if (!detail && typeof body === "object") {
      // A 400 names its fields: {field: [messages]}; non_field_errors is about the request as a whole.
      detail = Object.keys(body).map(function (field) {
        var value = body[field];
        var text = Array.isArray(value) ? value.join(" ") : String(value);
        return field === "non_field_errors" ? text : field + ": " + text;
      }).join("; ");
    }
    var code = body.code || (answer.status === 400 ? "invalid" : "");
    if (answer.status === 403 && /csrf/i.test(String(detail || ""))) { code = "csrf"; }
    if (answer.status === 401 || (answer.status === 403 && !body.code && code !== "csrf")) { code = code || "not_authenticated"; }
    return { status: answer.status, code: code, detail: String(detail || "") };
  }

  function due(record, force) {
    return record.status === "sending" || (record.status === "waiting" && (force || (record.next_try_at || 0) <= now()));
  }

  function wait(attempts) { return Math.min(FIRST_WAIT * Math.pow(2, Math.max(attempts - 1, 0)), LONGEST_WAIT); }

  // One at a time across the pages and the service worker (Web Locks), else within this page or worker.
  function locked(work) {
    var locks = global.navigator && global.navigator.locks;
    if (locks && locks.request) { return locks.request(LOCK, work); }
    if (localBusy) { return localBusy.then(function () { return locked(work); }); }
    localBusy = Promise.resolve().then(work).finally(function () { localBusy = null; });
    return localBusy;
  }

  function flush(options) {
    options = options || {};
    var user = options.user;
    var result = { sent: 0, attention: 0, waiting: 0 };
    if (!user) { return Promise.resolve(result); }
    return locked(function () {
      var done = {};
      var total = 0;
      var index = 0;
      var stop = false;

      function next() {
        if (stop) { return Promise.resolve(); }
        return list(user).then(function (records) {
          var todo = records.filter(function (r) { return !done[r.key] && due(r, options.force); });
          if (!todo.length) { return null; }
          total = Math.max(total, index + todo.length);
          var record = todo[0];
          done[record.key] = true;
          index += 1;
          emit({ type: "progress", user: user, index: index, total: total, record: record });
          record.status = "sending";
          record.attempts = (record.attempts || 0) + 1;
          return put(record).then(csrf).then(function (token) {
            return send(record, token).then(null, function () { return null; });
          }).then(function (answer) {
            var status = verdict(answer);
            record.status = status;
            if (status === "sent") {
              record.response = answer.body;
              record.error = null;
              record.sent_at = new Date().toISOString();
              result.sent += 1;
            } else {
              record.error = errorOf(answer);
              if (status === "waiting") {
                record.next_try_at = now() + wait(record.attempts);
                result.waiting += 1;
                // No network, no session, another user's session: the others would fare the same.
                stop = !answer || record.error.code !== "idempotency_in_progress";
              } else {
                result.attention += 1;
              }
            }
            return put(record).then(function () {
              emit({ type: "record", user: user, record: record });
              if (status === "sent") { return DB.metaSet("last_sync:" + user, record.sent_at); }
            });
          }).then(next);
        });
      }

      return next().then(function () {
        emit({ type: "done", user: user, result: result });
        return result;
      });
    });
  }

  // --- the user's reserved receipt numbers (store "numbers": {number, user, reserved_at, used_by}) ---------

  function unused(user) {
    return DB.mine("numbers", user).then(function (rows) {
      return rows.filter(function (r) { return !r.used_by; })
        .sort(function (a, b) { return a.number < b.number ? -1 : 1; });
    });
  }

  // Marks a number used by the record ``key``: ``wanted`` if it is the user's and free, else the next free one;
  // null when the user has none (the number typed stays). One transaction, so two pages never take the same.
  function take(user, key, wanted) {
    return db().then(function (d) {
      var tx = d.transaction("numbers", "readwrite");
      var store = tx.objectStore("numbers");
      return store.index("user").getAll(user).then(function (rows) {
        var free = rows.filter(function (r) { return !r.used_by; })
          .sort(function (a, b) { return a.number < b.number ? -1 : 1; });
        var pick = null;
        var mine = rows.filter(function (r) { return r.number === wanted; })[0];
        if (wanted && !mine) { return tx.done.then(function () { return wanted; }); }
        pick = (mine && (!mine.used_by || mine.used_by === key)) ? mine : free[0];
        if (!pick) { return tx.done.then(function () { return wanted || null; }); }
        pick.used_by = key;
        store.put(pick);
        return tx.done.then(function () { return pick.number; });
      });
    });
  }

  // When fewer than 10 are left and the network is up: 20 more (POST receipt-blocks/).
  function topUp(user) {
    if (!user || (global.navigator && global.navigator.onLine === false)) { return Promise.resolve(null); }
    var locks = global.navigator && global.navigator.locks;
    function work(lock) {
      if (locks && !lock) { return null; }
      return unused(user).then(function (free) {
        if (free.length >= NUMBERS_LOW) { return null; }
        return csrf().then(function (token) {
          return post("/api/v1/receipt-blocks/", JSON.stringify({ count: NUMBERS_BLOCK }), {
            "Idempotency-Key": newKey(), "X-Field-User": user, "X-CSRFToken": token,
            "Content-Type": "application/json", "Accept": "application/json" });
        }).then(function (answer) {
          if (!answer.ok || !answer.body.numbers) { return null; }
          var stamp = new Date().toISOString();
          return db().then(function (d) {
            var tx = d.transaction("numbers", "readwrite");
            answer.body.numbers.forEach(function (number) {
              tx.store.put({ number: number, user: user, reserved_at: stamp, used_by: null });
            });
            return tx.done;
          }).then(function () { return answer.body.numbers; });
        });
      }).catch(function () { return null; });
    }
    return locks && locks.request ? locks.request("kesco-numbers", { ifAvailable: true }, work) : work(true);
  }

  global.KescoOutbox = {
    add: add, flush: flush, list: list, get: get, counts: counts, retry: retry, remove: remove, audit: audit,
    on: on, newKey: newKey, verdict: verdict,
    numbers: { unused: unused, take: take, topUp: topUp }
  };
}(typeof self !== "undefined" ? self : window));
