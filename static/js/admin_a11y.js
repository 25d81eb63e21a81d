// Names for the controls the admin's own scripts draw in the page, where the
// server cannot give one (templates/admin/base_site.html loads this file):
//
// - an autocomplete (Select2 4.0) draws a combobox named by its selected value
//   alone, nothing when empty; a multiple one draws an unnamed search box and
//   puts its "clear" cross (a span) straight into a list;
// - a two-box selection (filter_horizontal) draws its search icons as spans
//   with an aria-label but no role, which may not carry one.
//
// The field's name is its label, or the aria-label the server gave a control
// of a tabular row (onechamber/admin_a11y.py). Run once the admin's scripts
// have drawn their widgets, and again whenever they redraw some.
// Loaded async: a deferred script would hold back DOMContentLoaded, on which
// the admin's own scripts (and the meeting editor's) draw the page.
"use strict";
{
  const fieldName = (select) => {
    const label = select.id && document.querySelector(`label[for="${CSS.escape(select.id)}"]`);
    const text = label ? label.textContent : select.getAttribute("aria-label") || "";
    return text.trim().replace(/[:：]$/, "");
  };

  const nameAutocomplete = (container) => {
    const select = container.previousElementSibling;
    if (!select || select.tagName !== "SELECT" || !select.id) {
      return;
    }
    const nameId = `${select.id}-a11y-name`;
    if (!document.getElementById(nameId)) {
      const name = document.createElement("span");
      name.id = nameId;
      name.className = "visually-hidden";
      name.textContent = fieldName(select);
      container.prepend(name);
    }
    const single = container.querySelector(".select2-selection--single");
    const rendered = container.querySelector(".select2-selection__rendered[id]");
    if (single && rendered) {
      single.setAttribute("aria-labelledby", `${nameId} ${rendered.id}`);
      rendered.setAttribute("aria-labelledby", nameId);
    }
    container.querySelectorAll(".select2-search__field").forEach((search) => {
      search.setAttribute("aria-labelledby", nameId);
    });
    container.querySelectorAll("ul > .select2-selection__clear").forEach((cross) => {
      // A mouse target: the keyboard clears with Backspace.
      cross.setAttribute("aria-hidden", "true");
    });
  };

  const fix = () => {
    document.querySelectorAll("select.admin-autocomplete + .select2-container").forEach(nameAutocomplete);
    document.querySelectorAll(".selector .search-label-icon[aria-label]:not([role])").forEach((icon) => {
      icon.setAttribute("role", "img");
    });
  };

  // Fixed in the observer's own callback, a microtask run straight after the
  // change: a frame later (requestAnimationFrame) left a moment in which a
  // widget drawn after the page's load (jQuery runs its ready handlers from a
  // timer) stood unnamed, and a check run in it found the combobox nameless.
  // Observed from the moment this runs, not from load; fix() only adds a
  // name once, so its own change does not set it off again.
  new MutationObserver(fix).observe(document.documentElement, { childList: true, subtree: true });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fix);
  } else {
    fix();
  }
  window.addEventListener("load", fix);
}
