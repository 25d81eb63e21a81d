// The export page's "select all" box (templates/admin/import_export/export.html):
// django-import-export's handler, attached here rather than inline (CSP).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input.select-toggle").forEach((box) => {
    box.addEventListener("change", onSelectToggleChange);
  });
});
