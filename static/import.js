// Parley import page: the progress of an upload, then of the server's work on it.
//
// htmx reports how much of the request body is sent (htmx:xhr:progress): the bar shows that
// share of the file. Once sent, the server reads (preview) or saves (confirm) it in the same
// request, which says nothing until it answers: the bar turns indeterminate and counts the
// seconds, with the step named by the button pressed (its data-progress, written by the server).
(() => {
  "use strict";

  if (!document.getElementById("import-form")) return;
  const bar = document.getElementById("import-progress");
  const text = document.getElementById("import-progress-text");
  let step = "Working…";
  let started = 0;
  let timer = null;
  let sent = false;

  const megabytes = (bytes) => (bytes / 1048576).toFixed(1) + " MB";
  const seconds = () => Math.round((Date.now() - started) / 1000);

  function working() {
    bar.removeAttribute("value"); // indeterminate: the server has it
    text.textContent = `${step} ${seconds()} s`;
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("#import-form button[type=submit]");
    if (button) step = button.dataset.progress || "Reading the file…";
  });

  document.addEventListener("htmx:beforeRequest", (event) => {
    if (!event.target.closest("#import-form")) return;
    document.getElementById("import-lost").hidden = true;
    started = Date.now();
    sent = false;
    bar.value = 0;
    text.textContent = text.dataset.sending + "…";
    clearInterval(timer);
    timer = setInterval(() => sent && working(), 1000);
  });

  document.addEventListener("htmx:xhr:progress", (event) => {
    if (sent || !event.target.closest("#import-form")) return; // later events: the answer arriving
    const { loaded, total, lengthComputable } = event.detail;
    if (lengthComputable && total > 0 && loaded < total) {
      bar.value = Math.round((100 * loaded) / total);
      text.textContent = `${text.dataset.sending}: ${megabytes(loaded)} of ${megabytes(total)}`;
    } else {
      sent = true;
      working();
    }
  });

  // A failed import answers 500 with its message in the step (base.html swaps only 4xx).
  document.addEventListener("htmx:beforeSwap", (event) => {
    const xhr = event.detail.xhr;
    if (xhr.status === 500 && xhr.responseText.includes('id="import-step"')) {
      event.detail.shouldSwap = true;
    }
  });

  // No answer at all (the connection dropped: gunicorn stops a worker on its timeout), or a
  // proxy's own error page: the indicator just vanishes, so say what happened instead.
  function lost(event) {
    if (!event.target.closest("#import-form")) return;
    const xhr = event.detail.xhr;
    if (xhr && xhr.status && xhr.responseText.includes('id="import-step"')) return; // our message
    document.getElementById("import-lost").hidden = false;
  }
  document.addEventListener("htmx:sendError", lost);
  document.addEventListener("htmx:responseError", (event) => event.detail.xhr.status >= 500 && lost(event));

  // The confirm's answer replaces the whole form, button included: stop whatever the target.
  document.addEventListener("htmx:afterRequest", () => clearInterval(timer));
})();
