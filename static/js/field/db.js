// The field app's IndexedDB, through idb (static/vendor/idb). Loaded by the pages and by the service worker
// (importScripts), so both read and write the same stores. Every record names the user it belongs to: a phone
// shared by two clerks never shows or sends one clerk's records under the other's session.
//
//   outbox   {key, user, kind, url, data, photo, label, stop, account_no, at, created_at, status, attempts,
//             next_try_at, error, response, sent_at}: what the clerk did, until the server has it (docs/FIELD.md)
//   days     {user, date, fetched_at, drives, stops}: the clerk's day as the API gave it, for offline pages
//   numbers  {number, user, reserved_at, used_by}: receipt numbers reserved to the user (POST receipt-blocks/)
//   audit    {key, user, deleted_at, record}: records the clerk deleted, kept 30 days on the phone
//   meta     {name, value}: "user" (who the last page was for), "last_sync:<user>", "csrf"
(function (global) {
  "use strict";
  var NAME = "kesco-field";
  var VERSION = 1;
  var opening = null;

  function open() {
    if (!opening) {
      opening = global.idb.openDB(NAME, VERSION, {
        upgrade: function (db) {
          var outbox = db.createObjectStore("outbox", { keyPath: "key" });
          outbox.createIndex("user", "user");
          db.createObjectStore("days", { keyPath: "user" });
          var numbers = db.createObjectStore("numbers", { keyPath: "number" });
          numbers.createIndex("user", "user");
          var audit = db.createObjectStore("audit", { keyPath: "key" });
          audit.createIndex("user", "user");
          db.createObjectStore("meta", { keyPath: "name" });
        }
      });
    }
    return opening;
  }

  function metaGet(name) {
    return open().then(function (db) { return db.get("meta", name); })
      .then(function (row) { return row ? row.value : null; });
  }

  function metaSet(name, value) {
    return open().then(function (db) { return db.put("meta", { name: name, value: value }); });
  }

  // The records of one user in one store (outbox, numbers, audit), oldest first where they carry created_at.
  function mine(store, user) {
    return open().then(function (db) { return db.getAllFromIndex(store, "user", user); });
  }

  global.KescoFieldDB = { open: open, metaGet: metaGet, metaSet: metaSet, mine: mine };
}(typeof self !== "undefined" ? self : window));
