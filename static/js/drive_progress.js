// The drive's page follows the day: every 60 s it asks for the progress panel again and swaps it in.
// A weak network only delays the next try; a closed drive stops asking (no inline script: the CSP allows none).
(function () {
  var card = document.getElementById("drive-progress");
  if (!card || !card.dataset.url) return;
  var panel = card.querySelector("[data-progress-panel]");
  var every = 60000;

  function poll() {
    fetch(card.dataset.url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        panel.innerHTML = data.html;
        if (data.status !== "closed") window.setTimeout(poll, every);
      })
      .catch(function () { window.setTimeout(poll, every); });
  }

  window.setTimeout(poll, every);
})();
