// The structure editor (curators only): pick where to split a passage by clicking in its text.
// The server does every edit; this only fills the "at character" box and previews the cut.
(() => {
  "use strict";

  const passageOf = (node) => node && node.closest && node.closest(".structure-passage");

  function preview(item, at) {
    const text = item.querySelector("[data-passage-text]").textContent;
    const box = item.querySelector("[data-split-preview]");
    if (!box) return;
    box.textContent = "";
    if (!(at > 0 && at < text.length)) {
      box.textContent = "Click in the text above where the new passage should begin.";
      return;
    }
    const left = document.createElement("span");
    left.textContent = "…" + text.slice(Math.max(0, at - 40), at);
    const cut = document.createElement("mark");
    cut.textContent = " | ";
    const right = document.createElement("span");
    right.textContent = text.slice(at, at + 40) + "…";
    box.append(left, cut, right);
  }

  document.addEventListener("click", (event) => {
    const text = event.target.closest && event.target.closest("[data-passage-text]");
    const item = passageOf(text);
    const input = item && item.querySelector("[data-split-at]");
    if (!input) return; // tools not opened: clicking the text does nothing
    const selection = window.getSelection();
    if (!selection || !selection.anchorNode || !text.contains(selection.anchorNode)) return;
    input.value = selection.anchorOffset;
    preview(item, selection.anchorOffset);
  });

  document.addEventListener("input", (event) => {
    if (!event.target.matches("[data-split-at]")) return;
    preview(passageOf(event.target), Number(event.target.value));
  });
})();
