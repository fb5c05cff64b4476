/* Search and filters on the day's list (templates/drives/field/stops.html), on the phone: the same rule as the
   server's GET filters (drives/field_views.py _matches), applied to each item's data-search, data-locality,
   data-status and data-notice-state as the clerk types or picks, so the cached page filters offline too.
   An item is shown when every word of the search is in its data-search and each chosen filter equals its
   attribute. The page may have been filtered by the server already (a phone without JavaScript, or the URL):
   then the form submits as usual to show all again. */
(function () {
  "use strict";

  var form = document.querySelector("form[data-stop-filters]");
  if (!form) { return; }

  function value(name) {
    var field = form.elements.namedItem(name);
    return field ? String(field.value || "").trim() : "";
  }

  function apply() {
    var words = value("q").toLowerCase().split(/\s+/).filter(Boolean);
    var wanted = {locality: value("locality"), status: value("status"), "notice-state": value("notice")};
    var items = document.querySelectorAll("article.stop[data-stop], li.done-stop");
    var shown = 0;
    Array.prototype.forEach.call(items, function (item) {
      var text = item.getAttribute("data-search") || "";
      var ok = words.every(function (word) { return text.indexOf(word) !== -1; });
      Object.keys(wanted).forEach(function (key) {
        if (ok && wanted[key] && item.getAttribute("data-" + key) !== wanted[key]) { ok = false; }
      });
      item.hidden = !ok;
      if (ok) { shown += 1; }
    });
    var done = document.querySelector(".done-stops");
    if (done) { done.hidden = done.querySelectorAll("li.done-stop:not([hidden])").length === 0; }
    var none = form.querySelector("[data-filter-none]");
    if (none) { none.hidden = shown > 0; }
  }

  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) {
    // Offline (or the cached page), filter here; a page the server filtered asks the server again.
    if (!navigator.onLine || !form.querySelector("[data-filter-clear]")) {
      event.preventDefault();
      apply();
    }
  });
  apply();
}());
