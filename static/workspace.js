// Parley workspace: passage selection, span offsets, targets and keyboard shortcuts.
//
// Every write goes through a real <form> in the page (htmx posts it and swaps the fragments the
// server sends back); this module only decides what goes into those forms. No inline handlers:
// the page passes what we need through data-* attributes.
(() => {
  "use strict";

  const root = document.getElementById("workspace");
  if (!root) return;
  const tagForm = document.getElementById("tag-form");
  const prompt = document.getElementById("target-prompt");
  const help = document.getElementById("help");

  let currentId = null; // the selected passage's id
  let lastSpan = null; // the latest mouse selection: {passageId, start, end, clipped}
  let picking = null; // while asking "what does this answer?": called with the chosen target
  let focusDetails = false; // Enter opened the details panel: move focus into its form
  let pendingRetry = null; // the latest tag sent: {values, send, tries}, for a retry

  // Sticky things below the toolbar need its height, which changes when it wraps.
  const toolbar = root.querySelector(".toolbar");
  new ResizeObserver(() => {
    document.documentElement.style.setProperty("--toolbar-height", `${toolbar.offsetHeight}px`);
  }).observe(toolbar);

  // Without JS the tag buttons submit their own name=tag; with it the hidden field says which.
  for (const button of tagForm.querySelectorAll(".tag-button")) button.removeAttribute("name");

  // ---- passages and selection

  const passageEl = (id) => document.getElementById(`passage-${id}`);
  const current = () => (currentId ? passageEl(currentId) : null);
  const navigable = () => Array.from(document.querySelectorAll("#turn-list .passage.speech"));
  const closestPassage = (node) =>
    (node && (node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement))?.closest(".passage");

  function select(el, { scroll = true, focus = true, block = "nearest" } = {}) {
    for (const old of document.querySelectorAll(".passage.is-selected")) {
      old.classList.remove("is-selected");
    }
    currentId = el ? el.dataset.passageId : null;
    if (!el) return;
    el.classList.add("is-selected");
    if (focus) el.focus({ preventScroll: true });
    if (scroll) el.scrollIntoView({ block });
  }

  // Keys pressed past the last loaded passage wait for the next chunk instead of being lost
  // (a chunk is 80 passages: j held down reaches its end before the next one is in).
  let queuedSteps = 0;
  let moving = null; // the promise of those moves, while there are some

  async function moveOnceLoaded() {
    while (moreLink() && queuedSteps > 0) {
      await (loadMore() || new Promise((resolve) => setTimeout(resolve, 50)));
      const list = navigable();
      if (list.length - 1 - list.indexOf(current()) >= queuedSteps) break;
    }
    const steps = queuedSteps;
    queuedSteps = 0;
    move(steps);
  }

  function move(step) {
    if (queuedSteps) {
      queuedSteps += step;
      return;
    }
    const list = navigable();
    if (!list.length) return;
    const index = list.indexOf(current());
    if (index !== -1 && index + step > list.length - 1 && moreLink()) {
      queuedSteps = index + step - (list.length - 1);
      select(list[list.length - 1]);
      moving = moveOnceLoaded().finally(() => {
        moving = null;
      });
      return;
    }
    const next =
      index === -1
        ? step > 0 ? 0 : list.length - 1
        : Math.min(Math.max(index + step, 0), list.length - 1);
    lastSpan = null;
    select(list[next]);
    if (next >= list.length - 4) loadMore();
  }

  // ---- progressive loading: the last list item fetches the next chunk of turns

  const moreLink = () => document.querySelector("#turn-list [data-more]");

  // Requests share the link as their source, so htmx never fetches the same chunk twice.
  const loading = (more) => more.dataset.loading || more.classList.contains("htmx-request");

  function loadMore() {
    const more = moreLink();
    if (!more || loading(more)) return null;
    more.dataset.loading = "1";
    return htmx.ajax("GET", more.getAttribute("hx-get"), {
      source: more,
      target: more.closest("li"),
      swap: "outerHTML",
    });
  }

  async function ensureLoaded(passageId) {
    const pause = () => new Promise((resolve) => setTimeout(resolve, 50));
    for (let tries = 0; tries < 400 && !passageEl(passageId); tries += 1) {
      const more = moreLink();
      if (!more) break;
      await (loadMore() || pause()); // a chunk already on its way: wait for it
    }
    return passageEl(passageId);
  }

  async function goTo(passageId, annotationId) {
    const el = await ensureLoaded(passageId);
    if (!el) {
      note("That passage is hidden by the filters.", "warning");
      return;
    }
    select(el, { block: "center" });
    const chip = annotationId && document.getElementById(`annotation-${annotationId}`);
    flash(chip || el);
  }

  function flash(el) {
    el.classList.remove("flash");
    void el.offsetWidth; // restart the animation
    el.classList.add("flash");
  }

  // ---- span offsets: characters within the passage text, as the server counts them

  function offsetIn(textEl, node, offset) {
    const range = document.createRange();
    range.selectNodeContents(textEl);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  function selectionSpan() {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
    const range = selection.getRangeAt(0);
    const passage = closestPassage(range.startContainer);
    if (!passage) return null;
    const textEl = passage.querySelector(".passage-text");
    const text = textEl.textContent;
    const whole = document.createRange();
    whole.selectNodeContents(textEl);
    let start =
      range.compareBoundaryPoints(Range.START_TO_START, whole) <= 0
        ? 0
        : Math.min(offsetIn(textEl, range.startContainer, range.startOffset), text.length);
    let end = textEl.contains(range.endContainer)
      ? offsetIn(textEl, range.endContainer, range.endOffset)
      : text.length;
    // Clipped to the passage where the selection starts; say so if it reached further.
    const clipped = !passage.contains(range.endContainer);
    while (start < end && /\s/.test(text[start])) start += 1;
    while (end > start && /\s/.test(text[end - 1])) end -= 1;
    if (start >= end) return null;
    const isWhole = start === 0 && end === text.length;
    return {
      passageId: passage.dataset.passageId,
      start: isWhole ? "" : start,
      end: isWhole ? "" : end,
      clipped,
    };
  }

  // ---- tagging

  function tag(button) {
    const span = selectionSpan() || lastSpan;
    const passageId = span ? span.passageId : currentId;
    if (!passageId) {
      note("Select a passage first: click it, or press j.", "warning");
      return;
    }
    if (span && span.clipped) {
      note(
        "Your selection ran into the next passage: it was clipped to the passage where it starts.",
        "warning",
      );
    }
    const fields = {
      tag: button.value,
      passage: passageId,
      start: span ? span.start : "",
      end: span ? span.end : "",
      target: "",
      target_passage: "",
      clipped: span && span.clipped ? "1" : "",
    };
    select(passageEl(passageId), { scroll: false });
    if (!button.hasAttribute("data-needs-target")) {
      submitTag(fields);
      return;
    }
    startPicking((target) =>
      submitTag({ ...fields, target: target.annotation || "", target_passage: target.passage }),
    );
  }

  function submitTag(fields) {
    window.getSelection().removeAllRanges();
    lastSpan = null;
    // Values travel with the request: one typed while another is on its way waits in the
    // page's queue (hx-sync on #workspace) and still sends its own passage and tag.
    // The request id makes a retry safe: the server answers a repeated id with the first
    // result, so a create whose answer was lost on the way is never saved twice.
    const values = { ...fields, request_id: newRequestId() };
    const send = () =>
      htmx.ajax("POST", tagForm.getAttribute("hx-post"), {
        source: tagForm,
        values,
        swap: "none",
      });
    send().catch?.(() => {});
    pendingRetry = { values, send, tries: 0 };
  }

  function newRequestId() {
    // crypto.randomUUID() exists only on https and localhost; getRandomValues everywhere.
    if (crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  // ---- picking a target ("what does this disagree with?")

  function startPicking(onPick) {
    picking = onPick;
    document.body.classList.add("picking-target");
    prompt.hidden = false;
  }

  function stopPicking() {
    picking = null;
    document.body.classList.remove("picking-target");
    prompt.hidden = true;
  }

  function pick(target) {
    const onPick = picking;
    stopPicking();
    onPick(target);
  }

  function targetOf(el) {
    const item = el.closest("[data-annotation-id]");
    if (item) {
      const passage = closestPassage(item);
      return {
        annotation: item.dataset.annotationId,
        passage: passage ? passage.dataset.passageId : item.dataset.goto,
      };
    }
    // A highlight is the annotation it shows (the innermost one, whose colour it wears), so
    // clicking a claim's text links the claim, not only its passage.
    const mark = el.closest("mark[data-annotations]");
    if (mark) {
      const keys = mark.dataset.annotations.split(" ");
      return { annotation: keys[keys.length - 1], passage: closestPassage(mark).dataset.passageId };
    }
    const passage = closestPassage(el);
    return passage ? { passage: passage.dataset.passageId } : null;
  }

  function editTarget(target) {
    const form = document.getElementById("details-form");
    if (!form) return;
    form.elements.target.value = target.annotation || "";
    form.elements.target_passage.value = target.passage || "";
    form.requestSubmit();
  }

  // ---- details panel

  function openDetails() {
    const passage = current();
    if (!passage) {
      note("Select a passage first: click it, or press j.", "warning");
      return;
    }
    const chips = Array.from(passage.querySelectorAll(".chip"));
    if (!chips.length) {
      note("Nothing tagged here yet: press a tag's letter.", "warning");
      return;
    }
    // Enter again opens the passage's next annotation (mine first the first time).
    const open = document.getElementById("details").dataset.annotationId;
    const index = chips.findIndex((c) => c.dataset.annotationId === open);
    const chip =
      index === -1
        ? passage.querySelector(".chip:not(.theirs)") || chips[0]
        : chips[(index + 1) % chips.length];
    if (chips.length > 1) note(`Annotation ${chips.indexOf(chip) + 1} of ${chips.length} here: Enter for the next.`);
    focusDetails = true;
    // Not chip.click(): a chip swapped in a moment ago may not be processed by htmx yet.
    htmx.ajax("GET", chip.getAttribute("href"), {
      source: chip,
      target: "#details",
      swap: "outerHTML",
    });
  }

  function closeDetails() {
    const close = document.querySelector("#details [data-action=close-details]");
    if (!close) return;
    htmx.ajax("GET", close.getAttribute("href"), {
      source: close,
      target: "#details",
      swap: "outerHTML",
    });
  }

  // ---- the annotation list as a drawer on narrow screens (its state lives on the root,
  // which no swap replaces; the button says whether it is open)

  const panelToggle = root.querySelector("[data-action=toggle-panel]");
  const panelIsDrawer = () => getComputedStyle(panelToggle).display !== "none";

  function togglePanel(open = !root.classList.contains("panel-open")) {
    root.classList.toggle("panel-open", open);
    panelToggle.setAttribute("aria-expanded", String(open));
  }

  // ---- messages written by this module (the server's arrive through #messages too)

  // A hint from this module is about the moment: it fades after a while and goes at the next
  // key or click. The server's messages (refusals, "Deleted. Press u to undo.") stay until the
  // next answer replaces them, except an error, which stays until the next answer.
  const NOTE_MS = 5000;
  let noteTimer = null;

  function note(text, level = "info") {
    const box = document.getElementById("messages");
    const message = document.createElement("p");
    message.className = `message ${level}`;
    message.textContent = text;
    box.replaceChildren(message);
    if (level === "error") return; // a failure stays until something replaces it
    message.dataset.client = "";
    clearTimeout(noteTimer);
    noteTimer = setTimeout(clearNotes, NOTE_MS);
  }

  function clearNotes() {
    for (const old of document.querySelectorAll("#messages [data-client]")) old.remove();
  }

  // Also the server's own passing notes (success, info, warning) once the user moves on.
  function clearPassingMessages() {
    clearNotes();
    for (const old of document.querySelectorAll("#messages .message:not(.error)")) old.remove();
  }

  // ---- links between a disagreement and its target: hovering one end lights up the other

  function linkedTo(el) {
    const ids = (el.dataset.link || "").split(/\s+/).filter(Boolean);
    if (el.id) ids.push(el.id);
    const found = new Set();
    for (const id of ids) {
      const target = document.getElementById(id);
      if (target) found.add(target);
      for (const other of document.querySelectorAll(`[data-link~="${id}"]`)) found.add(other);
      if (id.startsWith("annotation-")) {
        const key = id.slice("annotation-".length);
        for (const mark of document.querySelectorAll(`mark[data-annotations~="${key}"]`)) {
          found.add(mark);
        }
      }
    }
    return found;
  }

  function showLinks(event) {
    const el = event.target.closest?.("[data-link]");
    if (!el || !el.dataset.link) return;
    for (const other of linkedTo(el)) other.classList.add("is-linked");
  }

  function hideLinks() {
    for (const el of document.querySelectorAll(".is-linked")) el.classList.remove("is-linked");
  }

  // ---- events

  // Capture phase, so a click that picks a target never also opens the chip's details.
  document.addEventListener(
    "click",
    (event) => {
      if (!picking || !root.contains(event.target)) return;
      if (event.target.closest(".toolbar")) return;
      const target = targetOf(event.target);
      if (!target) return;
      event.preventDefault();
      event.stopPropagation();
      pick(target);
    },
    true,
  );

  root.addEventListener("click", (event) => {
    clearPassingMessages(); // the user moved on
    const action = event.target.closest("[data-action]");
    if (action) {
      const name = action.dataset.action;
      if (name === "help") help.showModal();
      if (name === "toggle-panel") togglePanel();
      if (name === "pick-target") startPicking(editTarget);
      if (name === "clear-target") editTarget({ annotation: "", passage: "" });
      if (name !== "close-details") return; // close-details is a real htmx link
    }
    const button = event.target.closest(".tag-button");
    if (button) {
      event.preventDefault();
      tag(button);
      return;
    }
    const goto = event.target.closest("[data-goto]");
    if (goto) {
      event.preventDefault();
      if (goto.closest(".side-panel") && panelIsDrawer()) togglePanel(false);
      goTo(goto.dataset.goto, goto.closest(".side-panel") && goto.dataset.annotationId);
      return;
    }
    const passage = closestPassage(event.target);
    if (passage && !event.target.closest("a, button") && window.getSelection().isCollapsed) {
      lastSpan = null;
      select(passage, { scroll: false });
    }
  });

  // Keep the text selection when a toolbar button is pressed with the mouse.
  tagForm.addEventListener("mousedown", (event) => {
    if (event.target.closest(".tag-button")) event.preventDefault();
  });

  document.getElementById("turn-list")?.parentElement.addEventListener("mouseup", () => {
    const span = selectionSpan();
    if (!span) return;
    lastSpan = span;
    select(passageEl(span.passageId), { scroll: false, focus: false });
  });

  root.addEventListener("mouseover", showLinks);
  root.addEventListener("focusin", showLinks);
  root.addEventListener("mouseout", hideLinks);
  root.addEventListener("focusout", hideLinks);

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (help.open) return; // the dialog handles its own Esc
    const typing = event.target.closest?.("input, textarea, select, [contenteditable]");
    if (!typing && event.key !== "?") clearPassingMessages(); // the user moved on
    if (event.key === "Escape") {
      if (picking) {
        stopPicking();
        note("Cancelled: nothing was saved.");
      } else if (typing) {
        event.target.blur();
        current()?.focus({ preventScroll: true });
      } else if (root.classList.contains("panel-open") && panelIsDrawer()) {
        togglePanel(false);
      } else if (document.querySelector("#details [data-action=close-details]")) {
        closeDetails();
        current()?.focus({ preventScroll: true });
      } else {
        window.getSelection().removeAllRanges();
        lastSpan = null;
        select(null);
      }
      event.preventDefault();
      return;
    }
    if (typing) return;
    const key = event.key;
    const moves = ["j", "k", "ArrowDown", "ArrowUp"].includes(key);
    if (moving && !moves && handles(key)) {
      event.preventDefault(); // after the queued moves: the key acts where they end
      moving.then(() => onKey(key, event));
      return;
    }
    if (onKey(key, event)) event.preventDefault();
  });

  const tagButton = (key) => tagForm.querySelector(`.tag-button[data-shortcut="${CSS.escape(key)}"]`);
  const handles = (key) => ["Enter", "u", "U", "?"].includes(key) || Boolean(tagButton(key));

  // What a key does; false when it does nothing here (its default then stays).
  function onKey(key, event) {
    if (key === "j" || key === "ArrowDown") move(1);
    else if (key === "k" || key === "ArrowUp") move(-1);
    else if (key === "Enter" && picking) {
      const target = targetOf(document.activeElement) || (current() && targetOf(current()));
      if (!target) return false;
      pick(target);
    } else if (key === "Enter") {
      if (event.target.closest("a, button")) return false; // their own activation
      openDetails();
    } else if (key === "u") document.getElementById("undo-form").requestSubmit();
    else if (key === "U") document.getElementById("redo-form").requestSubmit();
    else if (key === "?") help.showModal();
    else {
      const button = tagButton(key);
      if (!button) return false;
      tag(button);
    }
    return true;
  }

  // Swapped fragments replace elements: put the selection (and lost focus) back.
  function restore() {
    const el = current();
    if (!el) return;
    el.classList.add("is-selected");
    if (document.activeElement === document.body) el.focus({ preventScroll: true });
  }
  document.body.addEventListener("htmx:afterSettle", (event) => {
    restore();
    if (focusDetails && event.detail.target?.id === "details") {
      focusDetails = false;
      document.querySelector("#details select, #details input:not([type=hidden])")?.focus();
    }
  });
  document.body.addEventListener("htmx:oobAfterSwap", (event) => {
    restore();
    // "Saved." is a confirmation, not news: it goes by itself.
    if (event.target.id === "messages") {
      for (const done of event.target.querySelectorAll(".message.success")) {
        done.dataset.client = "";
      }
      clearTimeout(noteTimer);
      noteTimer = setTimeout(clearNotes, NOTE_MS);
    }
  });

  // An expired session answers with the login page (after a redirect): go there, whole.
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const landed = event.detail.xhr.responseURL;
    if (landed && new URL(landed).pathname === root.dataset.loginUrl) {
      event.detail.shouldSwap = false;
      window.location.assign(landed);
    }
  });

  // A refusal is an answer, not a crash: the server marks it (Parley-Refusal header) and its
  // messages are swapped like any other answer. Under DEBUG, django-htmx's helper replaces the
  // whole document with any 400/403/404 body (its listener is on document); stopping the event
  // at <body> keeps that helper for real errors and the workspace for refusals.
  document.body.addEventListener("htmx:beforeOnLoad", (event) => {
    if (event.detail.xhr.getResponseHeader("Parley-Refusal")) event.stopPropagation();
  });

  // A refusal without a message of its own (a 404, a lost session) still says something.
  document.body.addEventListener("htmx:responseError", (event) => {
    if (event.detail.xhr.responseText.includes('id="messages"')) return;
    note(`Not saved: the server answered ${event.detail.xhr.status}. Reload the page.`, "error");
  });
  // A tag whose request never got an answer is sent again, with the same request id, twice
  // at most; the server keeps the first copy only.
  document.body.addEventListener("htmx:sendError", (event) => {
    const retry = pendingRetry;
    const sent = event.detail.requestConfig?.parameters?.request_id;
    if (retry && sent === retry.values.request_id && retry.tries < 2) {
      retry.tries += 1;
      note("The server did not answer: trying again…", "warning");
      setTimeout(retry.send, 1000 * retry.tries);
      return;
    }
    note("Not saved: the server cannot be reached.", "error");
  });
})();
