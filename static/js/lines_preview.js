// A text of one bullet per line, shown below its text area as it prints:
// each non-empty line an item; in a nested text, a line indented with spaces
// is a sub-item of the one above (workitems.models.lines / nested_lines).
"use strict";
(function () {
  const INDENT = /^[ \t\u3000]/;

  function render(area, preview) {
    const list = preview.querySelector("ul");
    list.replaceChildren();
    const nested = area.dataset.lines === "nested";
    let last = null;
    for (const raw of area.value.split(/\r?\n/)) {
      const text = raw.trim();
      if (!text) continue;
      const item = document.createElement("li");
      item.textContent = text;
      if (text.startsWith("●")) item.className = "heading";
      if (nested && last && INDENT.test(raw)) {
        let sub = last.querySelector("ul");
        if (!sub) {
          sub = document.createElement("ul");
          last.appendChild(sub);
        }
        sub.appendChild(item);
      } else {
        list.appendChild(item);
        last = item;
      }
    }
    preview.hidden = list.children.length === 0;
  }

  function setUp(root) {
    root.querySelectorAll("textarea.lines-input").forEach((area) => {
      if (area.dataset.previewReady) return;
      const preview = area.parentNode.querySelector(`.lines-preview[data-for="${area.id}"]`);
      if (!preview) return;
      area.dataset.previewReady = "1";
      area.addEventListener("input", () => render(area, preview));
      render(area, preview);
    });
  }

  document.addEventListener("DOMContentLoaded", () => setUp(document));
  document.addEventListener("formset:added", (event) => setUp(event.target));
})();
