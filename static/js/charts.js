// Draws every <canvas data-chart="ID"> from the JSON in <script type="application/json" id="ID">
// (Django's json_script; templates/reports/_chart.html). No inline script: the CSP allows none.
// Chart.js sizes the canvas through its style property (CSSOM), which style-src does not govern.
//
// The JSON: {"type": "bar"|"line", "labels": [...], "title": "...",
//            "datasets": [{"label": "...", "data": [...], "axis": "y"|"y2", "money": true|false}]}
// Money is shown the Indian way: axis ticks short (₹6.65 lakh, ₹1.2 crore; लाख/करोड़ on a Hindi page),
// tooltips in full with Indian grouping (₹6,65,000).
(function () {
  "use strict";

  // Each at least 3:1 against white (WCAG 1.4.11, graphical objects), and told apart without colour
  // too: lines get a point shape each, the legend names every series.
  var COLOURS = ["#0b5cab", "#b26a00", "#6a3d9a", "#1e7d32", "#b3261e", "#00695c"];
  var POINTS = ["circle", "rect", "triangle", "rectRot", "crossRot", "star"];
  var INK = "#1b2430";
  var GRID = "#d9dee5";

  function hindi() {
    return (document.documentElement.lang || "").toLowerCase().indexOf("hi") === 0;
  }

  var grouped = new Intl.NumberFormat("en-IN", { maximumFractionDigits: 2 });
  var wholeRupees = new Intl.NumberFormat("en-IN", {
    style: "currency", currency: "INR", minimumFractionDigits: 0, maximumFractionDigits: 0
  });
  var rupeesAndPaise = new Intl.NumberFormat("en-IN", {
    style: "currency", currency: "INR", minimumFractionDigits: 2, maximumFractionDigits: 2
  });

  // ₹6,65,000 (paise only when there are any: ₹6,65,000.50).
  function rupees(value) {
    return (Math.round(value * 100) % 100 === 0 ? wholeRupees : rupeesAndPaise).format(value);
  }

  // ₹6.65 lakh, ₹1.2 crore, ₹50,000 below a lakh: core.money.format_inr_short's rule (a figure that
  // rounds to 100 lakh is a crore), without its trailing zeros, which only crowd an axis.
  function rupeesShort(value) {
    var sign = value < 0 ? "-" : "";
    var size = Math.abs(value);
    var lakhs = Math.round(size / 1e3) / 100;
    if (size >= 1e7 || lakhs >= 100) {
      return sign + "₹" + grouped.format(Math.round(size / 1e5) / 100) + (hindi() ? " करोड़" : " crore");
    }
    if (Math.round(size) >= 1e5) {
      return sign + "₹" + grouped.format(lakhs) + (hindi() ? " लाख" : " lakh");
    }
    return sign + wholeRupees.format(Math.round(size));
  }

  function numbers(values) {
    return (values || []).map(function (value) {
      return value === null || value === "" ? null : Number(value);
    });
  }

  function config(spec) {
    var type = spec.type === "line" ? "line" : "bar";
    var datasets = spec.datasets || [];
    var moneyAxes = {};
    var axes = {};
    datasets.forEach(function (dataset) {
      var axis = dataset.axis === "y2" ? "y2" : "y";
      axes[axis] = true;
      if (dataset.money) moneyAxes[axis] = true;
    });
    if (!axes.y && !axes.y2) axes.y = true;

    function scale(axis) {
      var money = !!moneyAxes[axis];
      var ticks = {
        color: INK,
        callback: function (value) { return money ? rupeesShort(value) : grouped.format(value); }
      };
      if (!money) ticks.precision = 0;  // counts: no 2.5 disconnections on the axis
      return {
        type: "linear",
        position: axis === "y2" ? "right" : "left",
        beginAtZero: true,
        grace: "5%",  // headroom: the tallest bar stops short of the top
        grid: { color: GRID, drawOnChartArea: axis === "y" || !axes.y },
        ticks: ticks
      };
    }

    var scales = { x: { grid: { color: GRID }, ticks: { color: INK } } };
    if (axes.y) scales.y = scale("y");
    if (axes.y2) scales.y2 = scale("y2");

    return {
      type: type,
      data: {
        labels: spec.labels || [],
        datasets: datasets.map(function (dataset, index) {
          var colour = COLOURS[index % COLOURS.length];
          return {
            label: dataset.label,
            data: numbers(dataset.data),
            type: dataset.type,  // a line over bars, if a page asks for one
            order: dataset.type === "line" ? 0 : 1,  // the line drawn on top of the bars
            yAxisID: dataset.axis === "y2" ? "y2" : "y",
            money: !!dataset.money,
            backgroundColor: colour,
            borderColor: colour,
            borderWidth: 2,
            pointStyle: POINTS[index % POINTS.length],
            pointRadius: 3,
            tension: 0
          };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,  // the height is the CSS's (.chart-box)
        animation: false,  // phones and weak devices: draw once, at once
        color: INK,
        interaction: { mode: "index", intersect: false },
        plugins: {
          title: { display: !!spec.title, text: spec.title, color: INK },
          legend: { display: datasets.length > 1, labels: { color: INK, usePointStyle: type === "line" } },
          tooltip: {
            callbacks: {
              label: function (context) {
                var value = context.parsed.y;
                if (value === null || value === undefined) return context.dataset.label;
                return context.dataset.label + ": " + (context.dataset.money ? rupees(value) : grouped.format(value));
              }
            }
          }
        },
        scales: scales
      }
    };
  }

  // Without a chart (no library, bad data) the figures are still there: the table opens instead.
  function fallBack(canvas) {
    var figure = canvas.closest("figure");
    var details = figure && figure.querySelector("details");
    if (details) details.open = true;
    var box = canvas.closest(".chart-box");
    if (box) box.hidden = true;
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    try {
      if (!window.Chart || !source) throw new Error("no chart library or no data");
      new window.Chart(canvas, config(JSON.parse(source.textContent)));
    } catch (error) {
      fallBack(canvas);
      if (window.console) window.console.error("chart " + canvas.getAttribute("data-chart") + ": " + error);
    }
  }

  function drawAll() {
    if (window.Chart) {
      window.Chart.defaults.font.family = 'system-ui, "Noto Sans", "KESCO Devanagari", "Noto Sans Devanagari", sans-serif';
      window.Chart.defaults.color = INK;
    }
    Array.prototype.forEach.call(document.querySelectorAll("canvas[data-chart]"), draw);
    redrawWithDevanagari();
  }

  // Text on a canvas does not make the browser fetch a web font: a Hindi chart drawn before the vendored
  // Devanagari font arrived shows empty boxes. Ask for both faces, then draw the charts again with them.
  function redrawWithDevanagari() {
    if (!window.Chart || !document.fonts || !document.fonts.load) return;
    if (!/[\u0900-\u097F]/.test(document.body.textContent)) return;
    Promise.all([document.fonts.load('12px "KESCO Devanagari"', "\u0915"),
                 document.fonts.load('bold 12px "KESCO Devanagari"', "\u0915")]).then(function () {
      // Anew, not update(): a chart keeps the widths it measured with the fallback font.
      Object.keys(window.Chart.instances).forEach(function (id) {
        var canvas = window.Chart.instances[id].canvas;
        window.Chart.instances[id].destroy();
        draw(canvas);
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }

  // For tests and a console: the formatting rules above.
  window.kescoCharts = { rupees: rupees, rupeesShort: rupeesShort };
})();
