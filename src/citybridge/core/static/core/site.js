// Small behaviours shared by every page (no inline scripts: the CSP forbids them).
// A form someone has typed into (any but the header's language switch) is "unsaved" until it is sent: switching the
// language reloads the page and would drop what was typed, so the switch asks first (data-unsaved: the question in
// the page's language) and, if told no, keeps the language as it was.
var citybridgeUnsaved = false;
document.addEventListener("input", function (event) {
  var form = event.target.form;
  if (form && form.id !== "lang-switch" && form.method === "post") citybridgeUnsaved = true;
});
document.addEventListener("submit", function (event) {
  if (event.target.id !== "lang-switch") citybridgeUnsaved = false;
});
document.addEventListener("change", function (event) {
  var el = event.target;
  if (!el.matches("[data-autosubmit]")) return;
  if (el.dataset.unsaved && citybridgeUnsaved && !window.confirm(el.dataset.unsaved)) {
    el.value = Array.prototype.find.call(el.options, function (o) { return o.defaultSelected; }).value;
    return;
  }
  el.form.submit();
});
document.addEventListener("click", function (event) {
  var el = event.target.closest("[data-confirm]");
  if (el && !window.confirm(el.dataset.confirm)) event.preventDefault();
});
// A list drawn as cards on a phone (table.cards, site.css): each cell named by its column's heading, unless the
// template named it already (data-label). Without JS the cards show the values without their names.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("table.cards").forEach(function (table) {
    var names = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      var copy = th.cloneNode(true);
      copy.querySelectorAll(".visually-hidden, [aria-hidden=true]").forEach(function (el) { el.remove(); });
      return copy.textContent.replace(/\s+/g, " ").trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      Array.prototype.forEach.call(tr.children, function (td, i) {
        if (names[i] && !td.hasAttribute("data-label")) td.setAttribute("data-label", names[i]);
      });
    });
  });
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
// City picker (cities/_city_picker.html): Enter in its search box searches (htmx) rather than sending the form, and a
// ticked result joins the chosen cities, so the next search does not take it away. Without JS the search button
// posts the form back with the results.
// Enter in another field of the form sends it with its own button, not with a picker's search button (the first
// in the form); without JS that Enter searches, and the form comes back with everything kept.
document.addEventListener("keydown", function (event) {
  var el = event.target;
  if (event.key !== "Enter" || !el.form || !el.form.querySelector("[data-city-picker]") || el.matches("textarea, button")) return;
  event.preventDefault();
  if (el.matches("[data-pick-search]")) el.dispatchEvent(new Event("search"));
  else el.form.requestSubmit(el.form.querySelector("button[type=submit]:not([name=find])"));
});
document.addEventListener("change", function (event) {
  var box = event.target;
  if (!box.matches("[data-pick-options] input")) return;
  var picked = box.closest("[data-city-picker]").querySelector("[data-picked]");
  if (box.type === "radio") picked.replaceChildren();
  if (box.checked) picked.appendChild(box.closest("label"));
});
