// Small behaviours shared by every page (no inline scripts: the CSP forbids them).
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-autosubmit]")) event.target.form.submit();
});
document.addEventListener("click", function (event) {
  var el = event.target.closest("[data-confirm]");
  if (el && !window.confirm(el.dataset.confirm)) event.preventDefault();
});
// Role form: show only the scope the chosen role takes (organisation, city or none). Without JS all are shown.
function citybridgeScopeFields(select) {
  var option = select.options[select.selectedIndex];
  var scope = option ? option.getAttribute("data-scope") || "" : "";
  var form = select.form || document;
  form.querySelectorAll("[data-scope-fieldset]").forEach(function (fieldset) {
    fieldset.hidden = fieldset.getAttribute("data-scope-fieldset") !== scope;
  });
  // the no-JS search forms (GET) keep the chosen role across the reload
  document.querySelectorAll("[data-role-copy]").forEach(function (input) { input.value = select.value; });
  form.querySelectorAll("[data-scope-none]").forEach(function (el) { el.hidden = !(option && option.value && !scope); });
}
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-scope-select]")) citybridgeScopeFields(event.target);
});
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-scope-select]").forEach(citybridgeScopeFields);
});
