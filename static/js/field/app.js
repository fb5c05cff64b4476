// The field pages' side of the outbox (static/js/field/outbox.js): each form[data-queue] becomes an outbox record
// of the page's user, then the outbox is flushed; the status bar ("N waiting", "Sending k of N…", "Last sent HH:MM",
// "N need attention"); the reserved receipt numbers on the pay form; "not yet sent" on the stops; the pay form's
// mode fields and the optional position. The /field/outbox/ page is outbox_page.js's.
// No inline script (the Content-Security-Policy): the words come from the page root's data-msg-* attributes.
(function () {
  "use strict";
  var root = document.querySelector(".field-page[data-user]");
  if (!root || !window.KescoOutbox || !window.KescoFieldDB) { return; }
  var Outbox = window.KescoOutbox;
  var DB = window.KescoFieldDB;
  var user = root.getAttribute("data-user") || "";
  var ANSWER_WAIT = 4000;
  var TICK = 5000;
  var statusBox = root.querySelector("[data-outbox-status]");
  var errorBox = root.querySelector("[data-outbox-errors]");
  var progress = null;

  function say(name, values) {
    var text = root.getAttribute("data-msg-" + name) || name;
    Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(values[k]); });
    return text;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function hhmm(iso) {
    var d = new Date(iso);
    return (d.getHours() < 10 ? "0" : "") + d.getHours() + ":" + (d.getMinutes() < 10 ? "0" : "") + d.getMinutes();
  }

  function when(iso) {
    var d = new Date(iso);
    return d.toLocaleDateString(document.documentElement.lang === "hi" ? "hi-IN" : "en-IN",
                                { day: "numeric", month: "short" }) + " " + hhmm(iso);
  }

  function csrfCookie() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // --- the status bar -------------------------------------------------------------------------------------

  function showStatus() {
    if (!statusBox || !user) { return Promise.resolve(); }
    return Outbox.list(user).then(function (records) {
      return DB.metaGet("last_sync:" + user).then(function (last) {
        var waiting = records.filter(function (r) { return r.status === "waiting" || r.status === "sending"; });
        var attention = records.filter(function (r) { return r.status === "attention"; });
        statusBox.textContent = "";
        var parts = [];
        if (progress) {
          parts.push(el("span", { "class": "outbox-sending" }, say("sending-of", { k: progress.index, n: progress.total })));
        } else if (waiting.length) {
          parts.push(el("span", { "class": "outbox-waiting" }, waiting.length + " " + say("waiting")));
          var blocked = waiting.filter(function (r) {
            return r.error && ["wrong_user", "not_authenticated", "authentication_failed", "csrf"].indexOf(r.error.code) >= 0;
          })[0];
          if (blocked) { parts.push(el("span", { "class": "outbox-login" }, say("login-as", { user: blocked.user }))); }
        }
        if (attention.length) {
          parts.push(el("a", { "class": "outbox-attention", href: root.getAttribute("data-outbox-url") },
                        attention.length + " " + say("attention")));
        }
        if (last) { parts.push(el("span", { "class": "outbox-last" }, say("last-sent", { time: hhmm(last) }))); }
        parts.forEach(function (part, i) {
          if (i) { statusBox.appendChild(document.createTextNode(" · ")); }
          statusBox.appendChild(part);
        });
        statusBox.hidden = parts.length === 0;
        return records;
      });
    }).then(function (records) { showPending(records || []); });
  }

  // "<outcome> — not yet sent" on the stops with a record still on the phone.
  function showPending(records) {
    document.querySelectorAll(".pending-badge").forEach(function (badge) { badge.remove(); });
    records.forEach(function (record) {
      if (record.status === "sent" || !record.stop) { return; }
      document.querySelectorAll("[data-stop='" + record.stop + "']").forEach(function (card) {
        if (card.tagName === "FORM" || card.tagName === "INPUT") { return; }
        var badge = el("p", { "class": "pending-badge badge warn" },
                       (record.what || record.label) + " — " + say(record.status === "attention" ? "attention-one" : "not-sent"));
        card.appendChild(badge);
      });
    });
  }

  Outbox.on(function (event) {
    if (event.user !== user) { return; }
    if (event.type === "progress") { progress = { index: event.index, total: event.total }; }
    if (event.type === "done") { progress = null; }
    showStatus();
  });

  var flushing = null;
  function flush(force) {
    if (!user) { return Promise.resolve(); }
    if (!flushing) {
      flushing = Outbox.flush({ user: user, force: !!force }).catch(function () { return null; })
        .then(function (result) { flushing = null; return result; });
    }
    return flushing;
  }

  // --- the forms ------------------------------------------------------------------------------------------

  function value(form, name) {
    var field = form.elements[name];
    if (!field) { return ""; }
    if (typeof RadioNodeList !== "undefined" && field instanceof RadioNodeList) { return field.value; }
    return (field.value || "").trim();
  }

  // The JSON body of each kind, as the API names its fields (DESIGN.md, REST API); ``at`` is the tap time.
  var BODIES = {
    outcome: function (form, submitter, at) {
      var choice = (submitter && submitter.value || "").split(":");
      var data = { outcome: choice[0], method: choice[1] || "", notes: value(form, "notes"), at: at };
      if (value(form, "latitude")) { data.latitude = value(form, "latitude"); data.longitude = value(form, "longitude"); }
      return data;
    },
    payment: function (form, submitter, at) {
      var data = { account_no: value(form, "account_no"), amount: value(form, "amount"), mode: value(form, "mode"),
                   receipt_no: value(form, "receipt_no"), paid_at: at,
                   drive_stop: value(form, "drive_stop") ? parseInt(value(form, "drive_stop"), 10) : null };
      // The mode's details as the API names them: the UPI reference is the payment's instrument_no too.
      if (data.mode === "upi") { data.instrument_no = value(form, "upi_reference"); }
      if (data.mode === "cheque" || data.mode === "dd") {
        data.instrument_no = value(form, "instrument_no");
        data.bank = value(form, "bank");
      }
      return data;
    },
    reconnection: function (form, submitter, at) {
      return { notes: value(form, "notes"), reconnected_at: at };
    }
  };

  function stopOf(form, kind, data) {
    if (kind === "payment") { return data.drive_stop || null; }
    var match = (form.getAttribute("data-api") || "").match(/\/stops\/(\d+)\//);
    return match ? parseInt(match[1], 10) : null;
  }

  function accountOf(form) {
    if (value(form, "account_no")) { return value(form, "account_no"); }
    var holder = form.closest("[data-account]") || document.querySelector("[data-account]");
    return holder ? holder.getAttribute("data-account") : "";
  }

  function whatOf(kind, submitter, data) {
    if (kind === "payment") {
      // ₹2,500.75 as every page writes it (words.js formats as core.money.format_inr does).
      var words = window.KescoWords;
      return say("payment") + " " + (words ? words.inr(words.paise(data.amount)) : "₹" + data.amount);
    }
    if (kind === "reconnection") { return say("reconnection"); }
    var text = submitter ? submitter.textContent.trim() : "";
    return text || data.outcome;
  }

  function enable(form, on) {
    form.querySelectorAll("button, input, textarea, select").forEach(function (field) { field.disabled = !on; });
  }

  function sayError(text) {
    if (!errorBox) { return; }
    var line = el("li", { "class": "error" }, text + " ");
    line.appendChild(el("a", { href: root.getAttribute("data-outbox-url") }, say("open-outbox")));
    errorBox.appendChild(line);
    window.scrollTo(0, 0);
  }

  // Waits for the record's answer, at most ``ms``: the record as it stands then.
  function answerOf(key, ms) {
    var until = Date.now() + ms;
    return new Promise(function (resolve) {
      (function poll() {
        Outbox.get(key).then(function (record) {
          if (!record || record.status === "sent" || record.status === "attention" || Date.now() >= until) {
            resolve(record);
          } else {
            window.setTimeout(poll, 150);
          }
        });
      }());
    });
  }

  function moveOn(form, record) {
    var next = form.getAttribute("data-next") || "";
    if (record && record.status === "sent") {
      if (record.kind === "payment" && record.response && record.response.id) {
        window.location.assign(root.getAttribute("data-receipt-url").replace(/\/0\/$/, "/" + record.response.id + "/"));
      } else {
        window.location.assign(next || window.location.href);
      }
      return;
    }
    if (record && record.status === "attention") {
      form.setAttribute("data-outbox-key", record.key);
      enable(form, true);
      sayError(record.label + ": " + ((record.error && (record.error.detail || record.error.code)) || ""));
      showStatus();
      return;
    }
    // No answer yet: the record is safe on the phone and will be sent. When the service worker has the next page
    // saved for this user, the clerk goes on (a payment to its offline receipt); otherwise (no worker: a first
    // visit, an old browser; or the page not saved: the clerk left today's stops before the day was saved) the
    // page stays, says so, and moves on when the answer comes; never to "this page is not saved on this phone".
    var target = record && record.kind === "payment"
      ? root.getAttribute("data-pending-receipt-url") + "#" + record.key
      : next || window.location.href;
    var worker = navigator.serviceWorker && navigator.serviceWorker.controller;
    (worker ? savedOnPhone(target) : Promise.resolve(false)).then(function (saved) {
      if (!saved) {
        if (errorBox && !form.hasAttribute("data-outbox-saved")) {
          form.setAttribute("data-outbox-saved", "");
          errorBox.appendChild(el("li", { "class": "warning outbox-saved" }, say("saved") + " (" + record.label + ")"));
        }
        showStatus();
        answerOf(record.key, 24 * 3600 * 1000).then(function (later) { moveOn(form, later); });
        return;
      }
      try { window.sessionStorage.setItem("kesco.saved", record ? record.label : ""); } catch (e) { /* private mode */ }
      window.location.assign(target);
    });
  }

  // Whether the service worker would show ``url`` with no network (sw.js, message "saved"); no answer within
  // 2 s (a worker from before this question) counts as no.
  function savedOnPhone(url) {
    if (!window.KescoPWA) { return Promise.resolve(false); }
    return Promise.race([
      window.KescoPWA.message({ type: "saved", url: url }).then(function (answer) { return Boolean(answer && answer.saved); }),
      new Promise(function (resolve) { window.setTimeout(function () { resolve(false); }, 2000); })
    ]).catch(function () { return false; });
  }

  function submitted(form, submitter) {
    var kind = form.getAttribute("data-queue");
    var at = new Date().toISOString();  // the tap, before anything waits
    form.querySelectorAll("[data-at]").forEach(function (field) { field.value = at; });
    var data = BODIES[kind](form, submitter, at);
    var photoFile = form.elements.photo && form.elements.photo.files && form.elements.photo.files[0];
    var previous = form.getAttribute("data-outbox-key");
    enable(form, false);
    var fields = { kind: kind, url: form.getAttribute("data-api"), data: data, label: form.getAttribute("data-label") || "",
                   what: whatOf(kind, submitter, data), stop: stopOf(form, kind, data), account_no: accountOf(form),
                   at: at, next: form.getAttribute("data-next") || "" };
    if (photoFile) { fields.photo = { name: photoFile.name, blob: photoFile }; }
    // A refused record of this form is sent again with the clerk's corrections (same key), not doubled.
    return (previous ? Outbox.get(previous) : Promise.resolve(null)).then(function (old) {
      var again = old && old.status === "attention";
      var key = again ? previous : Outbox.newKey();
      var numbered = kind === "payment"
        ? Outbox.numbers.take(user, key, data.receipt_no).then(function (number) { if (number) { data.receipt_no = number; } })
        : Promise.resolve();
      return numbered.then(function () {
        if (again) { return Outbox.retry(key, fields); }
        fields.key = key;
        fields.user = user;
        return Outbox.add(fields);
      });
    }).then(function (record) {
      flush();
      return navigator.onLine === false ? record : answerOf(record.key, ANSWER_WAIT);
    }).then(function (record) { moveOn(form, record); }, function (error) {
      enable(form, true);
      sayError(String(error));
    });
  }

  document.querySelectorAll("form[data-queue]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      submitted(form, event.submitter);
    });
  });

  // The pay form's receipt number: the first of the user's reserved numbers on the phone (more are reserved
  // when few are left and the network is up).
  function fillReceiptNo() {
    var input = document.querySelector("form[data-queue='payment'] input[name=receipt_no]");
    return Outbox.numbers.topUp(user).then(function () { return Outbox.numbers.unused(user); }).then(function (free) {
      if (input && free.length && !input.hasAttribute("data-reserved")) {
        input.value = free[0].number;
        input.setAttribute("data-reserved", "phone");
      }
    });
  }

  // The offline receipt a payment taken here goes to, and the Devanagari font of its Hindi half: saved for this
  // user while the network is up (the day saves them too, but only once its reads are done on today's stops).
  function keepPendingReceipt() {
    var pwa = document.querySelector("[data-pwa]");
    if (!document.querySelector("form[data-queue='payment']") || !window.KescoPWA || navigator.onLine === false) { return; }
    var fonts = ((pwa && pwa.getAttribute("data-fonts")) || "").split(" ").filter(Boolean);
    window.KescoPWA.message({ type: "cache-day", urls: [root.getAttribute("data-pending-receipt-url")], assets: fonts })
      .catch(function () { /* the next pay form tries again */ });
  }

  // Mode-specific fields of the payment form: only the chosen mode's (all of them without JavaScript).
  function showModeFields() {
    var checked = document.querySelector("input[name=mode]:checked");
    document.querySelectorAll("[data-mode-for]").forEach(function (box) {
      box.hidden = !checked || box.getAttribute("data-mode-for").split(" ").indexOf(checked.value) < 0;
    });
  }
  document.querySelectorAll("input[name=mode]").forEach(function (radio) { radio.addEventListener("change", showModeFields); });
  if (document.querySelector("[data-mode-for]")) { showModeFields(); }

  // The position is optional: asked for only when the clerk ticks the box.
  document.querySelectorAll("[data-gps]").forEach(function (box) {
    box.addEventListener("change", function () {
      var form = box.form;
      var shown = form.querySelector("[data-gps-shown]");
      form.elements.latitude.value = "";
      form.elements.longitude.value = "";
      shown.textContent = "";
      if (!box.checked) { return; }
      if (!navigator.geolocation) { shown.textContent = say("gps-off"); return; }
      navigator.geolocation.getCurrentPosition(function (position) {
        form.elements.latitude.value = position.coords.latitude.toFixed(6);
        form.elements.longitude.value = position.coords.longitude.toFixed(6);
        shown.textContent = form.elements.latitude.value + ", " + form.elements.longitude.value;
      }, function () { shown.textContent = say("gps-off"); box.checked = false; },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  });

  // --- start ----------------------------------------------------------------------------------------------

  var saved = null;
  try { saved = window.sessionStorage.getItem("kesco.saved"); window.sessionStorage.removeItem("kesco.saved"); } catch (e) { /* */ }
  if (saved !== null && errorBox) {
    errorBox.appendChild(el("li", { "class": "warning outbox-saved" }, say("saved") + (saved ? " (" + saved + ")" : "")));
  }

  DB.metaSet("user", user || null);
  if (csrfCookie()) { DB.metaSet("csrf", csrfCookie()); }
  window.addEventListener("online", function () { flush(true).then(fillReceiptNo); });
  // On load every waiting record is tried at once (the user may have just logged in again), then by back-off.
  function tick(first) { flush(first).then(showStatus).then(function () { window.setTimeout(tick, TICK); }); }
  showStatus();
  // What the outbox page (outbox_page.js) shares with every field page.
  window.KescoFieldApp = { root: root, user: user, say: say, el: el, when: when, flush: flush, showStatus: showStatus };
  keepPendingReceipt();
  fillReceiptNo().then(function () { root.setAttribute("data-outbox-ready", "true"); });
  tick(true);
}());
