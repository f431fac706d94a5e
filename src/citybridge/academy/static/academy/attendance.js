// Attendance grid: "All present" per day, session or official fills the cells that have no mark yet; the arrow
// keys move between cells; P/L/E/A or 1/2/3/4 (the digits also arrive while a Chinese input method is on) set
// present, late, excused or absent; 0, Delete or Backspace clears. Only changed cells are sent when saving.
(function () {
  var STATUSES = ["present", "late", "excused", "absent"];
  var KEYS = { p: 0, l: 1, e: 2, a: 3, "1": 0, "2": 1, "3": 2, "4": 3 };
  var CODES = { KeyP: 0, KeyL: 1, KeyE: 2, KeyA: 3, Digit1: 0, Digit2: 1, Digit3: 2, Digit4: 3,
                Numpad1: 0, Numpad2: 1, Numpad3: 2, Numpad4: 3 };
  var CLEAR = { "0": 1, Delete: 1, Backspace: 1, Digit0: 1, Numpad0: 1 };

  function setValue(select, value) {
    if (select.disabled || select.value === value) return;
    select.value = value;
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function statusFor(event) {
    var key = (event.key || "").toLowerCase();
    if (Object.prototype.hasOwnProperty.call(KEYS, key)) return KEYS[key];
    // an input method may report "Process" (or a full-width digit); the physical key still tells
    if (Object.prototype.hasOwnProperty.call(CODES, event.code)) return CODES[event.code];
    var fw = "１２３４".indexOf(event.key);
    return fw >= 0 ? fw : null;
  }

  // cell in the same column of another row (rows may differ only in their header cell)
  function cellAt(row, col) {
    return row ? row.children[col] : null;
  }

  function focusIn(cell) {
    var next = cell && cell.querySelector && cell.querySelector("select:not([disabled])");
    if (next) next.focus();
    return !!next;
  }

  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (!el.matches || !el.matches("[data-attendance-grid] select")) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var cell = el.closest("td"), row = cell.parentElement;
    var col = Array.prototype.indexOf.call(row.children, cell);
    var target = null;
    var status = statusFor(event);
    if (event.key === "ArrowRight") target = cell.nextElementSibling;
    else if (event.key === "ArrowLeft") target = cell.previousElementSibling;
    else if (event.key === "ArrowDown") target = cellAt(row.nextElementSibling, col);
    else if (event.key === "ArrowUp") target = cellAt(row.previousElementSibling, col);
    else if (status !== null) {
      setValue(el, STATUSES[status]);
      target = cell.nextElementSibling || (row.nextElementSibling && row.nextElementSibling.children[1]);
    } else if (CLEAR[event.key] || CLEAR[event.code]) {
      setValue(el, "");
    } else return;
    event.preventDefault();
    focusIn(target);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-all-present]");
    if (!button) return;
    var grid = button.closest("[data-attendance-grid]");
    var kind = button.getAttribute("data-all-present"), selects;
    if (kind === "row") selects = button.closest("tr").querySelectorAll("select");
    else if (kind === "day") selects = grid.querySelectorAll('select[data-day="' + button.getAttribute("data-day") + '"]');
    else selects = grid.querySelectorAll('select[data-session="' + button.getAttribute("data-session") + '"]');
    Array.prototype.forEach.call(selects, function (s) {
      if (!s.value) setValue(s, "present");  // marks already given are exceptions: kept
    });
  });

  // send only what changed (an unchanged cell is not a mark), packed into one field so that a week of a full
  // class (55 officials x 24 sessions) stays within the server's limit on the number of fields
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.querySelector || !form.querySelector("[data-attendance-grid]")) return;
    var packed = [];
    Array.prototype.forEach.call(form.querySelectorAll("[data-attendance-grid] select:not([disabled])"), function (s) {
      var initial = "";
      Array.prototype.forEach.call(s.options, function (o) { if (o.defaultSelected) initial = o.value; });
      if (s.value !== initial) packed.push(s.name + "=" + s.value);
      s.disabled = true;
      s.setAttribute("data-sent", "");
    });
    var field = form.querySelector("input[name=marks]") || document.createElement("input");
    field.type = "hidden";
    field.name = "marks";
    field.value = packed.join(";");
    form.appendChild(field);
  });

  // coming back to the page from the history: the cells can be edited again
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-attendance-grid] select[data-sent]"), function (s) {
      s.disabled = false;
      s.removeAttribute("data-sent");
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll("[data-all-present]"), function (b) {
    b.hidden = false;
  });
})();
