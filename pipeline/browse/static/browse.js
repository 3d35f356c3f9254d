// Archivist workbench: load the source pane for a clicked passage, and j/k to move between
// passages. Everything works without this script too (links reload the page with ?item=).
"use strict";
(function () {
  const reader = document.getElementById("reader");
  const pane = document.getElementById("pane");
  if (!reader || !pane) return;

  function items() {
    return Array.from(reader.querySelectorAll(".passage, .note"));
  }

  async function select(el, scroll) {
    if (!el) return;
    items().forEach((e) => e.classList.remove("selected"));
    el.classList.add("selected");
    if (scroll) el.scrollIntoView({ block: "nearest" });
    el.focus({ preventScroll: true });
    const id = el.dataset.id;
    const url = new URL(window.location.href);
    url.searchParams.set("item", id);
    url.hash = el.id;
    history.replaceState(null, "", url);
    const version = pane.dataset.version ? "?version=" + pane.dataset.version : "";
    const response = await fetch("/pane/" + encodeURIComponent(id) + version);
    if (el.dataset.id !== id || !el.classList.contains("selected")) return;
    pane.innerHTML = await response.text();
    pane.scrollTop = 0;
    loadLineage();
    const image = pane.querySelector(".pdfpage img");
    if (image) image.addEventListener("load", showHighlight, { once: true });
  }

  reader.addEventListener("click", (event) => {
    const link = event.target.closest("a");
    if (link && !link.classList.contains("src")) return; // footnote markers and back links
    const el = event.target.closest(".passage, .note");
    if (!el) return;
    event.preventDefault();
    select(el, false);
  });

  pane.addEventListener("click", (event) => {
    const box = event.target.closest("a.box");
    if (!box) return;
    const el = document.querySelector('[data-id="' + CSS.escape(box.dataset.id) + '"]');
    if (!el) return;
    event.preventDefault();
    select(el, true);
  });

  document.addEventListener("keydown", (event) => {
    if (event.target.closest("input, textarea, select") || event.metaKey || event.ctrlKey || event.altKey) return;
    if (event.key !== "j" && event.key !== "k") return;
    const list = items().filter((e) => e.offsetParent !== null);
    const at = list.findIndex((e) => e.classList.contains("selected"));
    const next = event.key === "j" ? Math.min(list.length - 1, at + 1) : Math.max(0, at - 1);
    event.preventDefault();
    select(list[next], true);
  });

  // The lineage lookup is slow on a big archive: it comes after the pane, in its own request.
  async function loadLineage() {
    const slot = pane.querySelector(".lineage[data-src]");
    if (!slot) return;
    const response = await fetch(slot.dataset.src);
    if (response.ok && slot.isConnected) slot.innerHTML = await response.text();
  }

  function showHighlight() {
    const box = pane.querySelector(".box.highlight");
    if (box) box.scrollIntoView({ block: "center" });
  }

  loadLineage();
  const selected = reader.querySelector(".selected");
  if (selected) selected.scrollIntoView({ block: "center" });
  const image = pane.querySelector(".pdfpage img");
  if (image && !image.complete) image.addEventListener("load", showHighlight, { once: true });
  else showHighlight();
})();
