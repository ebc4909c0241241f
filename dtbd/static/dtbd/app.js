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
})();
