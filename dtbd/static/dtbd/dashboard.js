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

  /* A long label ("Kiến thức, kỹ năng lãnh đạo, quản lý") as lines of at most `width` characters, three lines at
     most (the last one ends with "…" when cut): Chart.js draws an array as one line per item, so a label never runs
     off the canvas the way a rotated one did. The tooltip keeps the whole label. */
  var LINE = 18, LONG = 12;
  function wrap(label, width) {
    var lines = [], line = "";
    String(label).split(/\s+/).forEach(function (word) {
      while (word.length > width) {  // one word longer than a line: cut it
        if (line) { lines.push(line); line = ""; }
        lines.push(word.slice(0, width - 1) + "-");
        word = word.slice(width - 1);
      }
      if (!line) line = word;
      else if ((line + " " + word).length <= width) line += " " + word;
      else { lines.push(line); line = word; }
    });
    if (line) lines.push(line);
    if (lines.length > 3) {
      lines = lines.slice(0, 3);
      lines[2] = lines[2].slice(0, width - 1) + "…";
    }
    return lines.length === 1 ? lines[0] : lines;
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
    // bars with long labels lie down: the names on the left, one above the other, wrapped (never rotated and cut)
    var longest = data.labels.reduce(function (n, l) { return Math.max(n, String(l).length); }, 0);
    var horizontal = type === "bar" && longest > LONG;
    var value = { beginAtZero: true, suggestedMax: percent ? 100 : undefined,
                  ticks: { callback: function (v) { return fmt.format(v) + (percent ? "%" : ""); } } };
    var category = { ticks: { autoSkip: false, maxRotation: 0, minRotation: 0 } };
    var scales = type === "doughnut" ? {} : (horizontal ? { x: value, y: category } : { x: category, y: value });
    var labels = type === "doughnut" ? data.labels : data.labels.map(function (l) { return wrap(l, LINE); });
    if (horizontal) {  // room for every wrapped name: the box grows with the lines (CSSOM, allowed by the CSP)
      var lines = labels.reduce(function (n, l) { return n + (Array.isArray(l) ? l.length : 1); }, 0);
      var box = canvas.parentElement;
      box.style.height = Math.max(box.clientHeight, lines * 15 + labels.length * 8 + 40) + "px";
    }
    new window.Chart(canvas, {
      type: type,
      data: { labels: labels, datasets: datasets },
      options: {
        locale: "vi-VN", responsive: true, maintainAspectRatio: false, animation: false, scales: scales,
        indexAxis: horizontal ? "y" : "x",
        plugins: {
          legend: { display: type === "doughnut" },
          tooltip: { callbacks: { title: function (items) {
            return items.length ? String(data.labels[items[0].dataIndex]) : "";
          }, label: function (ctx) {
            var v = ctx.parsed && typeof ctx.parsed === "object" ? (horizontal ? ctx.parsed.x : ctx.parsed.y) : ctx.parsed;
            return fmt.format(v) + (percent ? "%" : "");
          } } }
        }
      }
    });
  }

  function init() { document.querySelectorAll("canvas[data-chart-for]").forEach(draw); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
