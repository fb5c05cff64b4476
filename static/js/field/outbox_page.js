// The /field/outbox/ page (docs/FIELD.md): the user's records that need attention, with the actions that fit the
// server's refusal (send again, another reserved receipt number, today's other drive, without the stop, hand over
// to the officer, delete after a confirmation), those waiting, those sent, and the audit list of deleted and
// handed-over ones. Loaded after app.js, on that page only; drawn again after every flush.
(function () {
  "use strict";
  var page = document.querySelector("[data-outbox-page]");
  var app = window.KescoFieldApp;
  if (!page || !app || !window.KescoOutbox || !window.KescoFieldDB) { return; }
  var Outbox = window.KescoOutbox;
  var DB = window.KescoFieldDB;
  var root = app.root;
  var user = app.user;
  var say = app.say;
  var el = app.el;
  var when = app.when;
  var flush = app.flush;
  var showStatus = app.showStatus;

  // ------------------------------------------------------------------------------------

  var STOP_CODES = ["drive_closed", "drive_not_today", "stop_not_yours", "stop_closed", "invalid_drive_stop"];
  var NUMBER_CODES = ["duplicate_receipt", "receipt_reserved", "invalid_receipt_no", "receipt_no"];

  // Another open stop of the same consumer on today's drives as the phone has them (store "days").
  function otherStop(record) {
    return DB.open().then(function (d) { return d.get("days", user); }).then(function (day) {
      var stops = (day && day.stops) || [];
      return stops.filter(function (s) {
        var drive = s.drive || s.drive_id;
        return (s.account_no === record.account_no) && s.id !== record.stop && drive &&
          (!s.status || s.status === "open");
      })[0] || null;
    });
  }

  function attach(record, stop) {
    var drive = stop.drive || stop.drive_id;
    if (record.kind === "payment") { return { data: { drive_stop: stop.id }, stop: stop.id }; }
    return { url: "/api/v1/drives/" + drive + "/stops/" + stop.id + "/outcome/", stop: stop.id };
  }

  function button(text, cls, action) {
    var b = el("button", { type: "button", "class": "button big " + (cls || "") }, text);
    b.addEventListener("click", function () {
      b.disabled = true;
      var done = action();
      // An action that did nothing (null: the handover's notes are missing) leaves the page as it is, so the
      // clerk stays where the action put the focus.
      if (done === null) { b.disabled = false; return; }
      Promise.resolve(done).then(function () { return flush(true); }).then(showOutboxPage, showOutboxPage);
    });
    return b;
  }

  function describe(record) {
    var item = el("li", { "class": "card outbox-record", "data-key": record.key, "data-kind": record.kind });
    item.appendChild(el("h3", {}, record.label + " · " + (record.what || record.kind)));
    var facts = [when(record.at)];
    if (record.account_no) { facts.push(record.account_no); }
    if (record.kind === "payment" && record.data.receipt_no) { facts.push(record.data.receipt_no); }
    item.appendChild(el("p", { "class": "muted" }, facts.join(" · ")));
    if (record.error && (record.error.detail || record.error.code)) {
      item.appendChild(el("p", { "class": record.status === "attention" ? "error outbox-reason" : "muted outbox-reason" },
                          record.error.detail || record.error.code));
    }
    return item;
  }

  function attentionActions(record, item) {
    var code = record.error && record.error.code;
    var actions = el("div", { "class": "field-buttons outbox-actions" });
    actions.appendChild(button(say("send-again"), "primary", function () { return Outbox.retry(record.key); }));
    var pending = [];
    if (record.kind === "payment" && NUMBER_CODES.indexOf(code) >= 0) {
      pending.push(Outbox.numbers.unused(user).then(function (free) {
        if (free.length) {
          actions.appendChild(button(say("other-number", { number: free[0].number }), "", function () {
            return Outbox.numbers.take(user, record.key).then(function (number) {
              return Outbox.retry(record.key, { data: { receipt_no: number } });
            });
          }));
        }
      }));
    }
    if ((record.kind === "payment" || record.kind === "outcome") && STOP_CODES.indexOf(code) >= 0) {
      pending.push(otherStop(record).then(function (stop) {
        if (stop) {
          actions.appendChild(button(say("attach"), "", function () { return Outbox.retry(record.key, attach(record, stop)); }));
        }
      }));
      if (record.kind === "payment" && record.data.drive_stop) {
        actions.appendChild(button(say("without-stop"), "", function () {
          return Outbox.retry(record.key, { data: { drive_stop: null }, stop: null });
        }));
      }
    }
    if (record.kind !== "handover") {
      var notes = el("textarea", { name: "handover_notes", rows: "2", maxlength: "1000", "aria-label": say("handover-notes") });
      var handover = el("details", { "class": "handover" });
      handover.appendChild(el("summary", { "class": "button big" }, say("handover")));
      handover.appendChild(el("label", {}, say("handover-notes")));
      handover.appendChild(notes);
      handover.appendChild(button(say("handover-send"), "primary", function () {
        if (!notes.value.trim()) { notes.focus(); return null; }
        return handOver(record, notes.value.trim());
      }));
      actions.appendChild(handover);
    }
    actions.appendChild(deleteButton(record));
    item.appendChild(actions);
    return Promise.all(pending);
  }

  // The refused record goes to the officer: a "handover" record (POST field-handovers/) carries it whole; the
  // original moves to the audit list as handed over.
  function handOver(record, notes) {
    var payload = Object.assign({}, record.data);
    return Outbox.add({
      user: user, kind: "handover", url: "/api/v1/field-handovers/", label: record.label,
      what: say("handed-over") + ": " + (record.what || record.kind), stop: record.stop, account_no: record.account_no,
      at: new Date().toISOString(),
      data: { key: record.key, kind: record.kind, account_no: record.account_no, drive_stop: record.stop || null,
              payload: payload, refusal_code: (record.error && record.error.code) || "",
              refusal_detail: ((record.error && record.error.detail) || "").slice(0, 500), notes: notes, at: record.at }
    }).then(function () { return Outbox.remove(record.key, "handover"); });
  }

  function deleteButton(record) {
    var dialog = document.querySelector("dialog.outbox-delete");
    var b = el("button", { type: "button", "class": "button big danger outbox-delete-open" }, say("delete"));
    b.addEventListener("click", function () {
      dialog.querySelector("[data-delete-what]").textContent = record.label + " · " + (record.what || record.kind);
      dialog.setAttribute("data-key", record.key);
      dialog.showModal();
    });
    return b;
  }

  var deleteDialog = document.querySelector("dialog.outbox-delete");
  if (deleteDialog) {
    deleteDialog.querySelector("[data-delete-yes]").addEventListener("click", function () {
      var key = deleteDialog.getAttribute("data-key");
      deleteDialog.close();
      Outbox.remove(key, "deleted").then(showOutboxPage).then(showStatus);
    });
    deleteDialog.querySelector("[data-delete-no]").addEventListener("click", function () { deleteDialog.close(); });
  }

  var rendering = null;
  function showOutboxPage() {
    var page = document.querySelector("[data-outbox-page]");
    if (!page || !user) { return Promise.resolve(); }
    if (rendering) { return rendering; }
    rendering = Promise.all([Outbox.list(user), Outbox.audit(user)]).then(function (both) {
      var records = both[0];
      // The page is drawn again after every flush (every few seconds): a handover form the clerk has open keeps
      // its notes and the focus across it.
      var drafts = {};
      page.querySelectorAll("[data-outbox-attention] li.outbox-record details.handover").forEach(function (box) {
        var notes = box.querySelector("textarea");
        drafts[box.closest("li").getAttribute("data-key")] = {
          open: box.open, notes: notes.value, focused: document.activeElement === notes };
      });
      var lists = { attention: page.querySelector("[data-outbox-attention]"), waiting: page.querySelector("[data-outbox-waiting]"),
                    sent: page.querySelector("[data-outbox-sent]"), audit: page.querySelector("[data-outbox-audit]") };
      Object.keys(lists).forEach(function (name) { lists[name].textContent = ""; });
      var pending = [];
      records.forEach(function (record) {
        var item = describe(record);
        if (record.status === "attention") {
          pending.push(attentionActions(record, item));
          lists.attention.appendChild(item);
          var draft = drafts[record.key];
          var box = item.querySelector("details.handover");
          if (draft && box) {
            box.open = draft.open;
            box.querySelector("textarea").value = draft.notes;
            if (draft.focused) { box.querySelector("textarea").focus(); }
          }
        } else if (record.status === "sent") {
          if (record.kind === "payment" && record.response && record.response.id) {
            item.appendChild(el("a", { "class": "button big", href: root.getAttribute("data-receipt-url")
              .replace(/\/0\/$/, "/" + record.response.id + "/") }, say("receipt")));
          }
          lists.sent.appendChild(item);
        } else {
          item.appendChild(deleteButton(record));
          lists.waiting.appendChild(item);
        }
      });
      both[1].forEach(function (entry) {
        var item = describe(entry.record);
        item.appendChild(el("p", { "class": "muted" }, say(entry.reason === "handover" ? "handed-over" : "deleted-at") +
                                                        " " + when(entry.deleted_at)));
        lists.audit.appendChild(item);
      });
      Object.keys(lists).forEach(function (name) {
        var section = lists[name].closest("section");
        if (name !== "audit" && name !== "sent") { section.querySelector(".outbox-none").hidden = lists[name].children.length > 0; }
        else { section.hidden = lists[name].children.length === 0; }
      });
      return Promise.all(pending);
    }).then(function () { page.setAttribute("data-ready", "true"); rendering = null; },
            function () { rendering = null; });
    return rendering;
  }

  Outbox.on(function (event) {
    if (event.user === user && event.type === "done") { showOutboxPage(); }
  });
  showOutboxPage();
}());
