// The meeting editor (admin): the 次第 as a tree and the materials as a
// numbered list, reordered by dragging (or with the arrow buttons, for the
// keyboard), numbered live as they will print. The page writes each row's
// 順番 (and, for the 次第, the row it sits under); the server checks the tree.
"use strict";
(function () {
  const INDENT_PX = 40;

  function rowsOf(group) {
    return Array.from(group.querySelectorAll("tbody > tr.form-row")).filter(
      (row) => !row.classList.contains("empty-form")
    );
  }
  function input(row, name) {
    return row.querySelector(`[name$="-${name}"]`);
  }
  function keyOf(row) {
    const id = row.querySelector('input[name$="-id"]');
    return id && id.value ? id.value : "new-" + row.id.split("-").pop();
  }
  function deleted(row) {
    const box = input(row, "DELETE");
    return Boolean(box && box.checked);
  }
  function titleOf(row) {
    const title = input(row, "title");
    return (title && title.value.trim()) || "（無題）";
  }
  function level(row) {
    return row.dataset.level === "1" ? 1 : 0;
  }
  function announce(group, text) {
    const live = group.querySelector(".editor-live");
    if (live) live.textContent = text;
  }
  // An error row above a form row travels with it.
  function unitOf(row) {
    const prev = row.previousElementSibling;
    return prev && prev.classList.contains("row-form-errors") ? [prev, row] : [row];
  }

  // ---- numbering --------------------------------------------------------

  function numberAgenda(group) {
    let top = 0;
    let sub = 0;
    let parent = null;
    for (const row of rowsOf(group)) {
      const gone = deleted(row);
      row.classList.toggle("deleted", gone);
      const effective = level(row) === 1 && parent ? 1 : 0;
      let label;
      if (gone) {
        label = "—";
      } else if (effective === 0) {
        top += 1;
        sub = 0;
        parent = row;
        input(row, "order").value = top;
        input(row, "parent_key").value = "";
        label = String(top);
      } else {
        sub += 1;
        input(row, "order").value = sub;
        input(row, "parent_key").value = keyOf(parent);
        label = `(${sub})`;
      }
      if (!gone) row.dataset.level = String(effective);
      row.dataset.number = label;
      const number = row.querySelector(".live-number");
      if (number) number.textContent = label;
    }
  }

  function numberMaterials(group) {
    const counters = {};
    for (const row of rowsOf(group)) {
      const series = input(row, "series");
      const content = input(row, "content");
      if (content) row.dataset.content = content.value;
      row.classList.toggle("deleted", deleted(row));
      if (!series || deleted(row)) continue;
      counters[series.value] = (counters[series.value] || 0) + 1;
      const n = counters[series.value];
      input(row, "order").value = n;
      const name = series.options[series.selectedIndex].text;
      row.dataset.number = name + n;
      const number = row.querySelector(".live-number");
      if (number) number.textContent = name + n;
    }
  }

  function renumber(group) {
    if (group.dataset.editor === "agenda") numberAgenda(group);
    if (group.dataset.editor === "materials") numberMaterials(group);
  }

  // ---- moving -----------------------------------------------------------

  // The rows that move together: a top item with its sub-items.
  function blockOf(group, row) {
    const rows = rowsOf(group);
    const start = rows.indexOf(row);
    const block = [row];
    if (group.dataset.editor === "agenda" && level(row) === 0) {
      for (let i = start + 1; i < rows.length && level(rows[i]) === 1; i++) {
        block.push(rows[i]);
      }
    }
    return block;
  }
  function place(block, reference, after) {
    const tbody = block[0].parentNode;
    const nodes = block.flatMap(unitOf);
    let anchor = after ? reference.nextElementSibling : unitOf(reference)[0];
    for (const node of nodes) tbody.insertBefore(node, anchor);
  }
  function tops(group) {
    return rowsOf(group).filter((r) => level(r) === 0);
  }

  function moveUp(group, row) {
    const block = blockOf(group, row);
    const rows = rowsOf(group);
    const index = rows.indexOf(row);
    if (group.dataset.editor !== "agenda" || level(row) === 0) {
      // Before the previous top item (materials: the previous row).
      const before = rows
        .slice(0, index)
        .reverse()
        .find((r) => group.dataset.editor !== "agenda" || level(r) === 0);
      if (!before) return false;
      place(block, before, false);
      return true;
    }
    const previous = rows[index - 1];
    if (level(previous) === 1) {
      place(block, previous, false);
      return true;
    }
    // The first sub-item moves to the end of the item above its parent.
    const above = tops(group).filter((r) => rows.indexOf(r) < index - 1).pop();
    if (!above) return false;
    const aboveBlock = blockOf(group, above);
    place(block, aboveBlock[aboveBlock.length - 1], true);
    return true;
  }

  function moveDown(group, row) {
    const block = blockOf(group, row);
    const rows = rowsOf(group);
    const last = rows.indexOf(block[block.length - 1]);
    const next = rows[last + 1];
    if (!next) return false;
    if (group.dataset.editor !== "agenda" || level(row) === 0) {
      const nextBlock = blockOf(group, next);
      place(block, nextBlock[nextBlock.length - 1], true);
      return true;
    }
    // A sub-item: past its next sibling, or to the top of the next item.
    place(block, next, true);
    return true;
  }

  // `dropped`: the row was just dragged in among sub-items, which now follow
  // it; it joins them rather than taking them.
  function indent(group, row, dropped = false) {
    if (level(row) === 1) return "すでに小項目です。";
    const rows = rowsOf(group);
    const index = rows.indexOf(row);
    if (!rows.slice(0, index).some((r) => level(r) === 0 && !deleted(r))) {
      return "いちばん上の項目は字下げできません。";
    }
    if (!dropped && blockOf(group, row).length > 1) {
      return "小項目のある項目は字下げできません（次第は2段までです）。";
    }
    row.dataset.level = "1";
    return "";
  }
  function outdent(group, row) {
    if (level(row) === 0) return "すでに上の段の項目です。";
    row.dataset.level = "0";
    return "";
  }

  function describe(group, row) {
    renumber(group);
    return `「${titleOf(row)}」は ${row.dataset.number} になりました。`;
  }

  function act(group, row, move) {
    let problem = "";
    if (move === "up" && !moveUp(group, row)) problem = "これより上へは動かせません。";
    if (move === "down" && !moveDown(group, row)) problem = "これより下へは動かせません。";
    if (move === "indent") problem = indent(group, row);
    if (move === "outdent") problem = outdent(group, row);
    announce(group, problem || describe(group, row));
    renumber(group);
  }

  // ---- dragging (pointer events: mouse, pen and touch alike) -------------

  function startDrag(group, row, event) {
    const startX = event.clientX;
    let target = null;
    let after = false;
    row.classList.add("dragging");
    const clear = () =>
      group
        .querySelectorAll(".drop-before, .drop-after, .drop-indent")
        .forEach((r) => r.classList.remove("drop-before", "drop-after", "drop-indent"));

    function onMove(e) {
      clear();
      const under = document.elementFromPoint(e.clientX, e.clientY);
      const over = under && under.closest("tr.form-row");
      target = null;
      if (over && over.parentNode === row.parentNode && !over.classList.contains("empty-form")) {
        const box = over.getBoundingClientRect();
        after = e.clientY > box.top + box.height / 2;
        target = over;
        over.classList.add(after ? "drop-after" : "drop-before");
      }
      if (group.dataset.editor === "agenda" && e.clientX - startX > INDENT_PX) {
        row.classList.add("drop-indent");
      }
      // Near the window's edge, the page scrolls to the rows beyond it.
      if (e.clientY < 48) window.scrollBy(0, -24);
      if (e.clientY > window.innerHeight - 48) window.scrollBy(0, 24);
      e.preventDefault();
    }
    function onUp(e) {
      document.removeEventListener("pointermove", onMove);
      document.removeEventListener("pointerup", onUp);
      row.classList.remove("dragging");
      clear();
      const dx = e.clientX - startX;
      const block = blockOf(group, row);
      const agenda = group.dataset.editor === "agenda";
      const joins = agenda && dx > INDENT_PX && block.length === 1 && level(row) === 0;
      if (target && !block.includes(target)) {
        let reference = target;
        let placeAfter = after;
        if (agenda && level(row) === 0 && !joins) {
          // A top item dropped among another item's sub-items goes after
          // them, unless it is pulled right to become one of them.
          const rows = rowsOf(group);
          const nextIndex = rows.indexOf(target) + (after ? 1 : 0);
          const next = rows[nextIndex];
          if (next && level(next) === 1) {
            const owner = rows.slice(0, nextIndex).reverse().find((r) => level(r) === 0);
            const ownerBlock = blockOf(group, owner);
            reference = ownerBlock[ownerBlock.length - 1];
            placeAfter = true;
          }
        }
        place(block, reference, placeAfter);
      }
      let problem = "";
      if (agenda && dx > INDENT_PX) {
        problem = block.length > 1
          ? "小項目のある項目は字下げできません（次第は2段までです）。"
          : indent(group, row, true);
      }
      if (agenda && dx < -INDENT_PX) problem = outdent(group, row);
      announce(group, problem || describe(group, row));
      renumber(group);
    }
    document.addEventListener("pointermove", onMove);
    document.addEventListener("pointerup", onUp);
    event.preventDefault();
  }

  // ---- wiring -----------------------------------------------------------

  function setUp(group) {
    group.addEventListener("click", (event) => {
      const button = event.target.closest("button.move");
      if (!button) return;
      event.preventDefault();
      const row = button.closest("tr.form-row");
      act(group, row, button.dataset.move);
      button.focus();
    });
    group.addEventListener("pointerdown", (event) => {
      const handle = event.target.closest(".drag-handle");
      if (handle && event.button === 0) startDrag(group, handle.closest("tr.form-row"), event);
    });
    group.addEventListener("change", (event) => {
      if (event.target.matches('[name$="-series"], [name$="-content"], [name$="-DELETE"]')) {
        renumber(group);
      }
    });
    renumber(group);
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll(".editor-inline[data-editor]").forEach(setUp);
  });
  // A row added with 「追加」 is numbered at once.
  document.addEventListener("formset:added", (event) => {
    const group = event.target.closest(".editor-inline[data-editor]");
    if (group) renumber(group);
  });
  document.addEventListener("formset:removed", (event) => {
    document.querySelectorAll(".editor-inline[data-editor]").forEach(renumber);
  });
})();
