// Parley workspace progress: report which passages were actually on screen.
//
// An IntersectionObserver watches every passage; one counts as seen when half of it is in
// view (or, for a passage taller than the screen, when it fills half the screen). Positions
// go to the server as ranges ("0-24,31") at most once a second; the server merges them.
(() => {
  "use strict";

  const root = document.getElementById("workspace");
  if (!root || !("IntersectionObserver" in window)) return;

  const reported = new Set(); // positions already sent from this page
  const pending = new Set();
  let timer = null;

  const shown = (entry) =>
    entry.isIntersecting &&
    (entry.intersectionRatio >= 0.5 || entry.intersectionRect.height >= window.innerHeight / 2);

  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!shown(entry)) continue;
        observer.unobserve(entry.target);
        const position = Number(entry.target.dataset.position);
        if (!reported.has(position)) pending.add(position);
      }
      if (pending.size && !timer) timer = setTimeout(send, 1000);
    },
    { threshold: [0, 0.5, 1] },
  );

  function ranges(positions) {
    const sorted = [...positions].sort((a, b) => a - b);
    const parts = [];
    let first = sorted[0];
    let last = first;
    for (const position of sorted.slice(1).concat([Number.NaN])) {
      if (position === last + 1) {
        last = position;
        continue;
      }
      parts.push(first === last ? `${first}` : `${first}-${last}`);
      first = last = position;
    }
    return parts.join(",");
  }

  function send() {
    timer = null;
    const progress = document.getElementById("progress");
    if (!progress || !pending.size || !document.getElementById("progress-figures")) return;
    const positions = [...pending];
    pending.clear();
    for (const position of positions) reported.add(position);
    htmx.ajax("POST", progress.dataset.url, {
      // The workspace root holds the page's queue (hx-sync); the answer is the figures alone,
      // so a "Mark as done" click waiting in that queue keeps its form.
      source: root,
      target: "#progress-figures",
      swap: "outerHTML",
      values: { seen: ranges(positions) },
    });
  }

  // Passages arrive in chunks as the list scrolls, and swaps replace them: watch new ones.
  function watch(scope) {
    for (const el of scope.querySelectorAll(".passage[data-position]")) {
      if (!reported.has(Number(el.dataset.position))) observer.observe(el);
    }
  }
  const everything = () => watch(document.getElementById("turn-list") || root);
  everything();
  document.body.addEventListener("htmx:afterSettle", everything); // observing twice is a no-op
})();
