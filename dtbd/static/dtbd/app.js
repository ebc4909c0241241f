/* dtbd — small behaviours that htmx does not cover. No inline handlers (CSP-friendly). */
(function () {
  "use strict";

  /* Unit tree: a row's children are loaded by htmx (hx-get, afterend). Collapsing removes the
     descendant rows (their data-path starts with the row's path); expanding again reloads them. */
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-tree-collapse]");
    if (!button) return;
    var row = button.closest("tr");
    var path = row.getAttribute("data-path");
    var next = row.nextElementSibling;
    while (next && next.getAttribute("data-path") && next.getAttribute("data-path").indexOf(path) === 0) {
      var remove = next;
      next = next.nextElementSibling;
      remove.remove();
    }
    row.classList.remove("is-open");
    event.preventDefault();
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var button = event.detail.elt;
    if (button && button.hasAttribute && button.hasAttribute("data-tree-expand") && event.detail.successful) {
      button.closest("tr").classList.add("is-open");
    }
  });

  /* Forms with data-confirm ask before submitting. */
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });

  /* Formsets: a [data-add-row=TABLE_ID][data-prefix=P] button appends the table's <template> row (class sessions). */
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-row]");
    if (!button) return;
    var table = document.getElementById(button.dataset.addRow);
    var total = document.getElementById("id_" + button.dataset.prefix + "-TOTAL_FORMS");
    var index = parseInt(total.value, 10);
    var html = table.querySelector("template").innerHTML.replace(/__prefix__/g, index);
    table.querySelector("tbody").insertAdjacentHTML("beforeend", html);
    total.value = index + 1;
  });

  /* Attendance “cả lớp có mặt”: [data-all-present=SESSION] sets that session's enabled selects to Có mặt. */
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-all-present]");
    if (!button) return;
    var id = button.getAttribute("data-all-present");
    document.querySelectorAll('select.mark-select[data-session="' + id + '"]').forEach(function (select) {
      if (!select.disabled) select.value = "PRESENT";
    });
  });

  /* Small screens: the top bar's "Menu" button (aria-controls = the side menu) shows or hides it; Escape closes it
     and gives the focus back to the button. */
  function setMenu(toggle, open) {
    var menu = document.getElementById(toggle.getAttribute("aria-controls"));
    if (!menu) return;
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("is-open", open);
  }
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-menu-toggle]");
    if (!toggle) return;
    var open = toggle.getAttribute("aria-expanded") !== "true";
    setMenu(toggle, open);
    if (open) {
      var first = document.getElementById(toggle.getAttribute("aria-controls")).querySelector("a[href]");
      if (first) first.focus();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var toggle = document.querySelector('[data-menu-toggle][aria-expanded="true"]');
    if (!toggle) return;
    setMenu(toggle, false);
    toggle.focus();
  });

  /* Tables wider than their box (many columns on a phone) are wrapped in a .table-wrap that scrolls sideways on its
     own, so the page itself never scrolls sideways. Tables that fit keep their header sticky to the top bar. Run on
     load, on every htmx swap and when the window is resized. */
  function fitTables() {
    /* table.cards: on a phone each row reads as a card; every cell is headed by its column's title (data-col). */
    document.querySelectorAll("main table.cards").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        Array.prototype.forEach.call(tr.children, function (cell, i) {
          if (heads[i] && !cell.hasAttribute("data-col") && !cell.hasAttribute("colspan")) cell.setAttribute("data-col", heads[i]);
        });
      });
    });
    document.querySelectorAll("main table").forEach(function (table) {
      var box = table.parentElement;
      if (!box || box.closest(".table-wrap, .table-scroll")) return;
      var style = window.getComputedStyle(box);
      var room = box.clientWidth - parseFloat(style.paddingLeft || 0) - parseFloat(style.paddingRight || 0);
      if (table.offsetWidth <= room + 1 && table.getBoundingClientRect().right <= document.documentElement.clientWidth) return;
      var wrap = document.createElement("div");
      wrap.className = "table-wrap";
      box.insertBefore(wrap, table);
      wrap.appendChild(table);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fitTables); else fitTables();
  document.addEventListener("htmx:load", fitTables);
  var resizing = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(fitTables, 150);
  });

  /* “Chọn tất cả”: a checkbox with data-check-all=SELECTOR checks or clears every box the selector matches. */
  document.addEventListener("change", function (event) {
    var box = event.target.closest("[data-check-all]");
    if (!box) return;
    document.querySelectorAll(box.getAttribute("data-check-all")).forEach(function (c) { c.checked = box.checked; });
  });
})();
