// Every page: what a POST did (the messages at the top of main) takes the focus, so a screen reader reads it
// and the next Tab starts there; Escape folds the phone menu away and gives the focus back to its button.
(function () {
  "use strict";
  var messages = document.getElementById("messages");
  if (messages) {
    messages.focus({ preventScroll: false });
  }
  var toggle = document.getElementById("nav-toggle");
  if (toggle) {
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.checked) {
        toggle.checked = false;
        toggle.focus();
      }
    });
  }
})();
