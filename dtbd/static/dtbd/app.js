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

  /* “Chọn tất cả”: a checkbox with data-check-all=SELECTOR checks or clears every box the selector matches. */
  document.addEventListener("change", function (event) {
    var box = event.target.closest("[data-check-all]");
    if (!box) return;
    document.querySelectorAll(box.getAttribute("data-check-all")).forEach(function (c) { c.checked = box.checked; });
  });
})();
