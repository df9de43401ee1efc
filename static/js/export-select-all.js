// The "select all" toggle of the admin's export page, bound here instead of an inline onchange
// (the Content-Security-Policy allows no inline script). onSelectToggleChange comes from
// django-import-export's export_selectable_fields.js.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".select-toggle").forEach(function (toggle) {
    toggle.addEventListener("change", function (event) {
      if (typeof onSelectToggleChange === "function") {
        onSelectToggleChange(event);
      }
    });
  });
});
