// Attendance grid: arrow keys move between cells, p/l/e/a set the status, Delete clears it.
(function () {
  var KEYS = { p: "present", l: "late", e: "excused", a: "absent" };
  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (!el.matches || !el.matches("[data-attendance-grid] select")) return;
    var cell = el.closest("td"), row = cell.parentElement;
    var col = Array.prototype.indexOf.call(row.children, cell);
    var target = null;
    if (event.key === "ArrowRight") target = cell.nextElementSibling;
    else if (event.key === "ArrowLeft") target = cell.previousElementSibling;
    else if (event.key === "ArrowDown" && row.nextElementSibling) target = row.nextElementSibling.children[col];
    else if (event.key === "ArrowUp" && row.previousElementSibling) target = row.previousElementSibling.children[col];
    else if (KEYS[event.key.toLowerCase()] && !event.ctrlKey && !event.metaKey && !event.altKey) {
      el.value = KEYS[event.key.toLowerCase()];
      el.dispatchEvent(new Event("change", { bubbles: true }));
      target = cell.nextElementSibling || (row.nextElementSibling && row.nextElementSibling.children[1]);
    } else if (event.key === "Delete" || event.key === "Backspace") {
      el.value = "";
    } else return;
    event.preventDefault();
    var next = target && target.querySelector && target.querySelector("select");
    if (next) next.focus();
  });
})();
