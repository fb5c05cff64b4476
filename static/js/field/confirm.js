/* The cut asks once more (templates/drives/field/stop.html): a tap on a method's button
   (button[value^="disconnected:"]) opens <dialog class="cut-confirm"> with the method and the photo's thumbnail,
   if one is chosen; "Yes, record the cut" submits the form with that very button as its submitter
   (form.requestSubmit(button)), so the outbox records the method; "Back" closes it and nothing is recorded.
   Without JavaScript the method's button submits at once (opening the "Disconnected" details is the first tap). */
(function () {
  "use strict";

  var pending = null; // {form, button}: the cut waiting for the clerk's yes

  function dialogFor(form) {
    var section = form.closest("section") || document;
    return section.querySelector("dialog.cut-confirm") || document.querySelector("dialog.cut-confirm");
  }

  function showPhoto(dialog, form) {
    var img = dialog.querySelector("[data-confirm-photo]");
    var none = dialog.querySelector("[data-confirm-no-photo]");
    var input = form.querySelector("input[type=file][name=photo]");
    var file = input && input.files && input.files[0];
    if (img) { img.hidden = true; img.removeAttribute("src"); }
    if (none) { none.hidden = !!file; }
    if (!file || !img || !window.FileReader) { return; }
    var reader = new FileReader();
    // A data: URL: the site's CSP allows images from 'self' and data:, not blob:.
    reader.onload = function () { img.src = reader.result; img.hidden = false; };
    reader.readAsDataURL(file);
  }

  function open(form, button) {
    var dialog = dialogFor(form);
    if (!dialog || typeof dialog.showModal !== "function") { return false; }
    pending = {form: form, button: button};
    var method = dialog.querySelector("[data-confirm-method]");
    if (method) { method.textContent = button.textContent.trim(); }
    showPhoto(dialog, form);
    dialog.showModal();
    var yes = dialog.querySelector("[data-confirm-yes]");
    if (yes) { yes.focus(); }
    return true;
  }

  // Capture on the document: this runs before any listener on the form (the outbox's), so an unconfirmed cut
  // never reaches it.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    if (!button || !button.matches || !button.matches('button[value^="disconnected:"]')) { return; }
    if (form.dataset.cutConfirmed === "yes") { return; }
    if (open(form, button)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-confirm-yes], [data-confirm-back]") : null;
    if (!target) { return; }
    var dialog = target.closest("dialog");
    if (target.hasAttribute("data-confirm-back")) {
      pending = null;
      dialog.close();
      return;
    }
    if (!pending) { dialog.close(); return; }
    var cut = pending;
    pending = null;
    dialog.close();
    // The flag lets this one submit through the check above; it is taken away at once, so a later tap asks again.
    cut.form.dataset.cutConfirmed = "yes";
    try {
      if (typeof cut.form.requestSubmit === "function") {
        cut.form.requestSubmit(cut.button);
      } else {
        cut.button.click();
      }
    } finally {
      delete cut.form.dataset.cutConfirmed;
    }
  });

  document.addEventListener("close", function (event) {
    if (event.target.matches && event.target.matches("dialog.cut-confirm")) { pending = null; }
  }, true);
}());
