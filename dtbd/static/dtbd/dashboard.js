/* Dashboard charts (/tong-quan/). No inline script (Content Security Policy): every chart is drawn from the table
   beside it — <canvas data-chart="bar|doughnut|line" data-chart-for="TABLE_ID"> reads the cells of that table that
   carry data-label and data-value, so a chart never shows other numbers than its table. Numbers in Vietnamese format
   (40.500; 12,5%). Needs the vendored Chart.js 4 (static/dtbd/vendor/chart.umd.min.js). */
(function () {
  "use strict";
  var fmt = new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 1 });
  var palette = ["#1f5fa8", "#d9822b", "#2e8b57", "#b03a48", "#6a4c93", "#3a9fbf", "#8c8c3a", "#7f7f7f", "#c06c84"];

  function points(table) {
    var cells = table.querySelectorAll("[data-label][data-value]");
    var labels = [], values = [];
    cells.forEach(function (cell) {
      labels.push(cell.getAttribute("data-label"));
      var raw = cell.getAttribute("data-value");
      values.push(raw === "" || raw === "None" ? null : Number(raw));
    });
    return { labels: labels, values: values };
  }

  function draw(canvas) {
    if (!window.Chart) return;
    var table = document.getElementById(canvas.getAttribute("data-chart-for"));
    if (!table) return;
    var type = canvas.getAttribute("data-chart") || "bar";
    var percent = canvas.hasAttribute("data-percent") || type === "line";
    var data = points(table);
    var datasets = [{
      label: canvas.getAttribute("aria-label") || "",
      data: data.values,
      backgroundColor: type === "line" ? "#1f5fa8" : data.values.map(function (_v, i) { return palette[i % palette.length]; }),
      borderColor: type === "line" ? "#1f5fa8" : undefined,
      spanGaps: true
    }];
    if (type === "line") {
      ["data-min", "data-max"].forEach(function (attr, i) {
        var v = canvas.getAttribute(attr);
        if (v !== null && v !== "" && v !== "None") {
          datasets.push({
            label: i === 0 ? "Tối thiểu" : "Tối đa", data: data.values.map(function () { return Number(v); }),
            borderColor: "#999", borderDash: [4, 4], pointRadius: 0, fill: false
          });
        }
      });
    }
    var scales = type === "doughnut" ? {} : {
      y: { beginAtZero: true, suggestedMax: percent ? 100 : undefined,
           ticks: { callback: function (v) { return fmt.format(v) + (percent ? "%" : ""); } } }
    };
    new window.Chart(canvas, {
      type: type,
      data: { labels: data.labels, datasets: datasets },
      options: {
        locale: "vi-VN", responsive: true, maintainAspectRatio: false, animation: false, scales: scales,
        plugins: {
          legend: { display: type === "doughnut" },
          tooltip: { callbacks: { label: function (ctx) {
            var v = ctx.parsed && typeof ctx.parsed === "object" ? ctx.parsed.y : ctx.parsed;
            return fmt.format(v) + (percent ? "%" : "");
          } } }
        }
      }
    });
  }

  function init() { document.querySelectorAll("canvas[data-chart-for]").forEach(draw); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
