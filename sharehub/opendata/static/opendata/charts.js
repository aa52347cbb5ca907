/*
 * The open-data charts (Chart.js 4, vendored from npm). Each <canvas data-chart="ID"> is drawn
 * from the JSON of <script type="application/json" id="ID"> (Django's json_script):
 *   {kind: "line"|"bar", label, unit, labels: [...], values: [number|null, ...]}
 * Months are lines, categories and districts bars (horizontal when there are many, so their names
 * stay readable on a phone). Labels come translated from the page; numbers are formatted with
 * Intl in the page's language. The canvas carries role="img" and a summary, and the table next
 * to it every value: the picture is an enhancement. No animation for prefers-reduced-motion.
 */
(function () {
  "use strict";

  var GREEN = "#0b6e4f";
  var GREEN_FILL = "rgba(11, 110, 79, 0.15)";
  var INK = "#1d2421";
  var GRID = "#d5dcd8";
  var MANY = 8;

  function reducedMotion() {
    return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  }

  function draw(canvas, lang, format) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var line = data.kind === "line";
    var horizontal = !line && data.labels.length > MANY;
    var valueAxis = horizontal ? "x" : "y";
    // Counts get whole-number ticks (no "0.5 listings").
    var whole = data.values.every(function (value) { return value === null || value % 1 === 0; });
    var scales = {};
    scales[valueAxis] = {
      beginAtZero: true,
      grid: { color: GRID },
      ticks: {
        color: INK,
        precision: whole ? 0 : undefined,
        callback: function (value) { return format.format(value); }
      }
    };
    scales[horizontal ? "y" : "x"] = {
      grid: { display: false },
      ticks: { color: INK, autoSkip: !horizontal, maxRotation: 0 }
    };
    // eslint-disable-next-line no-undef
    new Chart(canvas, {
      type: line ? "line" : "bar",
      data: {
        labels: data.labels,
        datasets: [{
          label: data.label,
          data: data.values,
          borderColor: GREEN,
          backgroundColor: line ? GREEN_FILL : GREEN,
          fill: line,
          tension: 0.2,
          pointRadius: data.values.length > 36 ? 0 : 3,
          spanGaps: true
        }]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        locale: lang,
        indexAxis: horizontal ? "y" : "x",
        animation: reducedMotion() ? false : { duration: 400 },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: function (context) {
                var value = horizontal ? context.parsed.x : context.parsed.y;
                return value === null ? "–" : format.format(value) + " " + (data.unit || "");
              }
            }
          }
        },
        scales: scales
      }
    });
    canvas.setAttribute("data-drawn", "");
  }

  function start() {
    if (typeof window.Chart === "undefined") {
      return;
    }
    var lang = document.documentElement.lang || "ko";
    var format = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
    window.Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      try {
        draw(canvas, lang, format);
      } catch (error) {
        // The table beside it still carries every value.
        if (window.console) {
          window.console.error(error);
        }
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
