// The field clerk's queue. Each tap (an outcome, a payment, a reconnection done) becomes an item with its own
// Idempotency-Key, kept in localStorage until the JSON API has answered it. With no network the item waits and
// the page says how many wait; it is sent again when the phone is back online, on a timer and on every field
// page. The server replays the first answer for a key it has seen, so a retry never records twice.
// No inline script (the Content-Security-Policy): the page passes its words and addresses in data-* attributes.
(function () {
  "use strict";
  var root = document.querySelector("[data-field-queue]");
  if (!root) { return; }

  var STORE = "kesco.field.queue";
  var RETRY_MS = 15000;
  // This page's own submissions: when one of them is answered, the page moves on (to the receipt, the list).
  var PAGE = newKey();
  var statusBox = root.querySelector("[data-queue-status]");
  var errorBox = root.querySelector("[data-queue-errors]");
  var sentBox = root.querySelector("[data-queue-sent]");
  var sending = false;
  var announced = {};

  function say(name) { return root.getAttribute("data-msg-" + name) || name; }

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    // crypto.randomUUID needs a secure context (HTTPS or localhost); the same 122 random bits otherwise.
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function load() {
    try { return JSON.parse(localStorage.getItem(STORE)) || []; } catch (e) { return []; }
  }

  function save(items) { localStorage.setItem(STORE, JSON.stringify(items)); }

  function drop(key) { save(load().filter(function (item) { return item.key !== key; })); }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function showCount() {
    var count = load().length;
    statusBox.hidden = count === 0;
    statusBox.textContent = count + " " + say("waiting");
  }

  function addLine(box, text, link) {
    var line = document.createElement("li");
    line.textContent = text;
    if (link) {
      var anchor = document.createElement("a");
      anchor.href = link.href;
      anchor.textContent = link.text;
      anchor.className = "button big";
      line.appendChild(document.createTextNode(" "));
      line.appendChild(anchor);
    }
    box.appendChild(line);
    return line;
  }

  // An API refusal in words: {code, detail, field} (409) or {field: [messages]} (400).
  function refusal(body) {
    if (!body || typeof body !== "object") { return ""; }
    if (body.detail) { return body.detail; }
    return Object.keys(body).map(function (field) {
      var value = body[field];
      return field + ": " + (Array.isArray(value) ? value.join(" ") : String(value));
    }).join("; ");
  }

  function formOf(item) {
    return item.page === PAGE ? document.querySelector("form[data-queue-key='" + item.key + "']") : null;
  }

  function answered(item, body) {
    var receipt = item.kind === "payment" && body && body.id
      ? root.getAttribute("data-receipt-url").replace(/\/0\/$/, "/" + body.id + "/") : "";
    if (item.page === PAGE) {
      window.location.assign(receipt || item.next || window.location.href);
      return;
    }
    addLine(sentBox, say("sent") + ": " + item.label, receipt ? { href: receipt, text: say("receipt") } : null);
  }

  function refused(item, body) {
    addLine(errorBox, say("refused") + ": " + item.label + " — " + refusal(body)).className = "error";
    window.scrollTo(0, 0);
    var form = formOf(item);
    if (form) { enable(form, true); }
  }

  function request(item) {
    var headers = { "Idempotency-Key": item.key, "X-CSRFToken": csrfToken(), "Accept": "application/json" };
    var body;
    if (item.photo) {
      body = new FormData();
      Object.keys(item.data).forEach(function (name) { body.append(name, item.data[name]); });
      body.append("photo", dataUrlToBlob(item.photo.data), item.photo.name);
    } else {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(item.data);
    }
    return fetch(item.url, { method: "POST", headers: headers, body: body, credentials: "same-origin" });
  }

  // "done" (answered), "refused" (the server said no: it will say no again) or "wait" (try again later).
  function sendOne(item) {
    return request(item).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.ok) { answered(item, body); return "done"; }
        // Server trouble, or the same key still being processed by a twin request: later.
        if (response.status >= 500 || response.status === 429 || (body && body.code === "idempotency_in_progress")) {
          return "wait";
        }
        if (response.status === 401) {
          // Logged out meanwhile: the item keeps until the clerk logs in again.
          addLine(errorBox, refusal(body)).className = "error";
          return "wait";
        }
        refused(item, body);
        return "refused";
      });
    }, function () { return "wait"; });
  }

  function flush() {
    if (sending) { return; }
    var items = load();
    showCount();
    if (!items.length) { return; }
    sending = true;
    sendOne(items[0]).then(function (result) {
      sending = false;
      if (result !== "wait") {
        drop(items[0].key);
        flush();
      } else if (formOf(items[0]) && !announced[items[0].key]) {
        // This page's submission could not go: tell the clerk it is safe on the phone.
        announced[items[0].key] = true;
        addLine(sentBox, say("saved") + " (" + items[0].label + ")").className = "warning";
      }
      showCount();
    });
  }

  function enable(form, on) {
    form.querySelectorAll("button, input, textarea, select").forEach(function (field) { field.disabled = !on; });
  }

  function dataUrlToBlob(url) {
    var parts = url.split(",");
    var type = parts[0].replace(/^data:/, "").replace(/;base64$/, "");
    var bytes = atob(parts[1]);
    var array = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i += 1) { array[i] = bytes.charCodeAt(i); }
    return new Blob([array], { type: type });
  }

  function value(form, name) {
    var field = form.elements[name];
    if (!field) { return ""; }
    if (field instanceof RadioNodeList) { return field.value; }
    return (field.value || "").trim();
  }

  // The JSON body of each kind, as the API's contract names its fields (DESIGN.md, REST API).
  var BODIES = {
    outcome: function (form, submitter) {
      var choice = (submitter && submitter.value || "").split(":");
      var data = { outcome: choice[0], method: choice[1] || "", notes: value(form, "notes") };
      // When the button was pressed (stamped on submit): an outcome sent later from the queue keeps its time.
      if (value(form, "at")) { data.at = value(form, "at"); }
      if (value(form, "latitude")) { data.latitude = value(form, "latitude"); data.longitude = value(form, "longitude"); }
      return data;
    },
    payment: function (form) {
      var data = { account_no: value(form, "account_no"), amount: value(form, "amount"), mode: value(form, "mode"),
                   receipt_no: value(form, "receipt_no"), drive_stop: value(form, "drive_stop") ? parseInt(value(form, "drive_stop"), 10) : null };
      // The mode's details as the API names them: the UPI reference is the payment's instrument_no too; a
      // detail of another mode (typed before the clerk changed the mode) is not sent.
      var mode = data.mode;
      if (mode === "upi") { data.instrument_no = value(form, "upi_reference"); }
      if (mode === "cheque" || mode === "dd") {
        data.instrument_no = value(form, "instrument_no");
        data.bank = value(form, "bank");
      }
      return data;
    },
    reconnection: function (form) {
      var data = { notes: value(form, "notes") };
      if (value(form, "at")) { data.reconnected_at = value(form, "at"); }
      return data;
    }
  };

  function enqueue(form, item) {
    var items = load();
    items.push(item);
    try {
      save(items);
    } catch (e) {
      // The phone's storage is full (a large photo): keep the record, without the photo.
      delete item.photo;
      items[items.length - 1] = item;
      save(items);
    }
    form.setAttribute("data-queue-key", item.key);
    enable(form, false);
    showCount();
    statusBox.hidden = false;
    statusBox.textContent = say("sending");
    flush();
  }

  document.querySelectorAll("form[data-queue]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var kind = form.getAttribute("data-queue");
      // The time of the tap, before anything waits (the photo's reading, the network).
      form.querySelectorAll("[data-at]").forEach(function (field) { field.value = new Date().toISOString(); });
      var item = { key: newKey(), kind: kind, url: form.getAttribute("data-api"), page: PAGE,
                   data: BODIES[kind](form, event.submitter), label: form.getAttribute("data-label") || "",
                   next: form.getAttribute("data-next") || "", at: new Date().toISOString() };
      var photo = form.elements.photo && form.elements.photo.files && form.elements.photo.files[0];
      if (!photo) { enqueue(form, item); return; }
      var reader = new FileReader();
      reader.onload = function () { item.photo = { name: photo.name, data: reader.result }; enqueue(form, item); };
      reader.onerror = function () { enqueue(form, item); };
      reader.readAsDataURL(photo);
    });
  });

  // Mode-specific fields of the payment form: only the chosen mode's (all of them without JavaScript).
  function showModeFields() {
    var checked = document.querySelector("input[name=mode]:checked");
    document.querySelectorAll("[data-mode-for]").forEach(function (box) {
      box.hidden = !checked || box.getAttribute("data-mode-for").split(" ").indexOf(checked.value) < 0;
    });
  }
  document.querySelectorAll("input[name=mode]").forEach(function (radio) {
    radio.addEventListener("change", showModeFields);
  });
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

  window.addEventListener("online", flush);
  window.setInterval(flush, RETRY_MS);
  flush();
}());
