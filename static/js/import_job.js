// Polls an import job's status while it is queued or running, shows the rows
// done, and reloads the page when the job ends so the summary and errors show.
(function () {
  var card = document.getElementById("import-job");
  if (!card || card.dataset.finished === "1") return;
  var url = card.dataset.statusUrl;
  var rows = card.querySelector("[data-rows-done]");
  var status = card.querySelector("[data-job-status]");
  var bar = card.querySelector("[data-progress]");
  var delay = 1000;

  function show(data) {
    if (rows) rows.textContent = Number(data.rows_done).toLocaleString("en-IN");
    if (status) status.textContent = data.status_display;
    if (bar && data.rows_total) { bar.max = data.rows_total; bar.value = data.rows_done; }
  }

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.finished) { window.location.reload(); return; }
        delay = Math.min(delay * 1.5, 10000);
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        // A weak network: keep trying, more slowly.
        delay = Math.min(delay * 2, 30000);
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
})();
