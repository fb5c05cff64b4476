// A "select all" box (data-select-all="<name>"): ticks or clears every checkbox of that name in its form, and
// follows them (ticked when all are, mixed when some are). No inline script: a strict CSP stays possible.
document.querySelectorAll("input[data-select-all]").forEach(function (all) {
  var form = all.form || all.closest("form");
  if (!form) { return; }
  var boxes = function () {
    return Array.prototype.slice.call(form.querySelectorAll("input[type=checkbox][name='" + all.dataset.selectAll + "']"));
  };
  var follow = function () {
    var ticked = boxes().filter(function (box) { return box.checked; }).length;
    all.checked = ticked > 0 && ticked === boxes().length;
    all.indeterminate = ticked > 0 && ticked < boxes().length;
  };
  all.addEventListener("change", function () {
    boxes().forEach(function (box) { box.checked = all.checked; });
    follow();
  });
  boxes().forEach(function (box) { box.addEventListener("change", follow); });
  follow();
});
