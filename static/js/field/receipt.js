// The receipt of a payment still on the phone (/field/receipts/pending/#<key>, docs/FIELD.md): drawn from the
// outbox record with that key (IndexedDB "outbox", db.js) and the day saved on the phone ("days"), for the user
// the page was made for only. The words are words.js's, the same as the server's receipt.
(function () {
  "use strict";
  var root = document.querySelector("[data-pending-receipt]");
  var page = document.querySelector("[data-user]");
  if (!root || !page || !window.KescoFieldDB || !window.KescoWords) return;
  var user = page.dataset.user;
  var words = window.KescoWords;

  function show(selector, visible) {
    root.querySelectorAll(selector).forEach(function (element) { element.hidden = !visible; });
  }

  function fill(selector, text) {
    root.querySelector(selector).textContent = text;
  }

  // As the server's receipt writes the time (DATETIME_FORMAT "d-m-Y H:i", India time): 07-12-2026 11:51 IST.
  function when(iso) {
    if (!iso) return "";
    var date = new Date(iso);
    if (isNaN(date.getTime())) return iso;
    var parts = {};
    new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Kolkata", day: "2-digit", month: "2-digit", year: "numeric",
                                       hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(date).forEach(function (part) { parts[part.type] = part.value; });
    return parts.day + "-" + parts.month + "-" + parts.year + " " + parts.hour + ":" + parts.minute + " IST";
  }

  function stopOf(day, record) {
    if (!day) return null;
    var account = record.account_no || (record.data || {}).account_no;
    return day.stops.filter(function (stop) { return stop.id === record.stop; })[0]
      || day.stops.filter(function (stop) { return stop.account_no === account; })[0] || null;
  }

  async function draw() {
    var key = decodeURIComponent(window.location.hash.replace(/^#/, ""));
    var db = await window.KescoFieldDB.open();
    var record = key ? await db.get("outbox", key) : null;
    // Another user's record is not shown, not even that it exists.
    if (!record || record.user !== user || record.kind !== "payment") {
      show("[data-pending-facts], [data-pending-mark], [data-pending-sent], [data-pending-attention]", false);
      show("[data-pending-missing]", true);
      return;
    }
    var data = record.data || {};
    var stop = stopOf(await db.get("days", user), record);
    var amount = words.paise(data.amount);
    fill(".receipt-no", data.receipt_no || "");
    fill(".paid-at", when(data.paid_at || record.at || record.created_at));
    fill(".consumer-name", stop ? stop.name : (record.label || ""));
    fill(".account-no", data.account_no || record.account_no || "");
    fill(".mode", root.dataset["mode" + (data.mode || "").charAt(0).toUpperCase() + (data.mode || "").slice(1)]
         || data.mode || "");
    fill(".amount", words.inr(amount));
    fill(".words-en", words.english(data.amount));
    fill(".words-hi", words.hindi(data.amount));
    show("[data-owed]", Boolean(stop));
    if (stop) fill(".arrears-after", words.inr(Math.max(0, words.paise(stop.arrears) - amount)));
    var disconnected = stop && stop.consumer_status === "disconnected" && stop.reconnection_minimum;
    show("[data-reconnection]", Boolean(disconnected));
    if (disconnected) {
      var short = stop.reconnection_short_by != null ? stop.reconnection_short_by : stop.reconnection_minimum;
      fill(".reconnection-minimum", words.inr(words.paise(stop.reconnection_minimum)));
      fill(".reconnection-short-by", words.inr(Math.max(0, words.paise(short) - amount)));
    }
    show("[data-pending-missing]", false);
    show("[data-pending-facts]", true);
    var sent = record.status === "sent" && record.response && record.response.id;
    show("[data-pending-mark]", !sent);
    show("[data-pending-sent]", Boolean(sent));
    if (sent) {
      var receipt = root.dataset.receiptUrl.replace("/0/", "/" + record.response.id + "/");
      root.querySelector("[data-pending-sent] a").href = receipt;
      // The server has it: its receipt (the same facts, now recorded) takes this one's place.
      // (After this page has loaded: a navigation replaced while it loads is an aborted one.)
      if (window.navigator.onLine) {
        if (document.readyState === "complete") window.location.replace(receipt);
        else window.addEventListener("load", function () { window.location.replace(receipt); });
      }
    }
    show("[data-pending-attention]", record.status === "attention");
    if (record.status === "attention") {
      var detail = record.error && record.error.detail ? " " + record.error.detail : "";
      root.querySelector("[data-pending-attention] a").textContent = root.dataset.msgAttention + detail;
    }
    root.dataset.drawn = record.key;
  }

  draw();
  window.addEventListener("hashchange", draw);
  // The record may be sent while the receipt is shown (by this page's outbox, another tab or the service worker's
  // Background Sync): drawn again on each answer, and every few seconds.
  if (window.KescoOutbox && window.KescoOutbox.on) {
    window.KescoOutbox.on(function (event) { if (event.type === "record" || event.type === "done") draw(); });
  }
  window.setInterval(function () { if (root.dataset.drawn && !root.querySelector("[data-pending-sent]").hidden) return; draw(); }, 3000);
}());
