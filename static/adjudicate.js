// Adjudication keyboard: n / p move between open passages (to the next page when none is left
// here), 1–9 accept that annotator's first open item, x rejects the rest, g writes gold.
// Selecting words of a passage while its gold form is open fills the span offsets.
(function () {
  "use strict";
  const board = () => document.getElementById("adjudication");
  const rows = () => Array.from(document.querySelectorAll("tr.adj-row"));
  let current = null;

  function focusRow(row) {
    if (!row) return;
    current = row.id;
    row.focus({ preventScroll: true });
    row.scrollIntoView({ block: "center" });
  }

  function move(step) {
    const all = rows();
    const open = all.filter((row) => row.classList.contains("open"));
    const at = all.findIndex((row) => row.id === current);
    const next = step > 0
      ? open.find((row) => all.indexOf(row) > at)
      : open.reverse().find((row) => all.indexOf(row) < at);
    if (next) return focusRow(next);
    const url = board().dataset[step > 0 ? "nextOpen" : "previousOpen"];
    if (url) window.location.assign(url);
  }

  function activeRow() {
    return document.getElementById(current) || rows().find((row) => row.classList.contains("open"));
  }

  document.addEventListener("keydown", (event) => {
    if (!board() || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, textarea, select")) return;
    const row = activeRow();
    if (event.key === "n" || event.key === "p") {
      event.preventDefault();
      return move(event.key === "n" ? 1 : -1);
    }
    if (!row) return;
    let button = null;
    if (/^[1-9]$/.test(event.key)) {
      button = row.querySelector(`button.accept[data-coder="${event.key}"]`);
    } else if (event.key === "x") {
      button = row.querySelector("button.reject-all");
    } else if (event.key === "g") {
      button = row.querySelector("a.write-gold");
    }
    if (button) {
      event.preventDefault();
      current = row.id;
      button.click();
    }
  });

  // Keep the keyboard on the row that was just answered (htmx replaced the element).
  document.body.addEventListener("htmx:afterSettle", (event) => {
    const row = current && document.getElementById(current);
    if (row && event.detail.target && event.detail.target.id === current) row.focus({ preventScroll: true });
    const form = row && row.querySelector(".gold-form input, .gold-form select");
    if (form) form.focus();
  });

  document.addEventListener("click", (event) => {
    const row = event.target.closest("tr.adj-row");
    if (row) current = row.id;
  });

  // Selecting text in a passage whose gold form is open sets its start and end.
  document.addEventListener("mouseup", () => {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed) return;
    const text = selection.anchorNode && selection.anchorNode.parentElement;
    const passage = text && text.closest(".passage-text");
    const row = passage && passage.closest("tr.adj-row");
    const form = row && row.querySelector(".gold-form");
    if (!form || selection.anchorNode !== selection.focusNode) return;
    const start = Math.min(selection.anchorOffset, selection.focusOffset);
    const end = Math.max(selection.anchorOffset, selection.focusOffset);
    form.querySelector("[name=start]").value = start;
    form.querySelector("[name=end]").value = end;
  });

  document.addEventListener("DOMContentLoaded", () => {
    const target = window.location.hash && document.querySelector(window.location.hash);
    if (target && target.classList.contains("adj-row")) focusRow(target);
  });
})();
