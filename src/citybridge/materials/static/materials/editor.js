// Translator's editor: Ctrl+Enter saves the segment and moves to the next; Alt+1..3 takes a suggestion.
(function () {
  "use strict";
  const table = document.querySelector("[data-editor]");
  if (!table) return;
  const areas = () => Array.from(table.querySelectorAll("textarea[name=target]"));

  function take(row, n) {
    const buttons = row.querySelectorAll("button.suggestion");
    if (buttons[n]) {
      const area = row.querySelector("textarea[name=target]");
      area.value = buttons[n].dataset.target;
      area.focus();
    }
  }

  async function save(form) {
    const body = new FormData(form);
    const res = await fetch(form.action, { method: "POST", body: body, headers: { Accept: "application/json" }, credentials: "same-origin" });
    const data = await res.json();
    const qa = form.querySelector("ul.qa");
    qa.textContent = "";
    if (res.ok) {
      form.querySelector("input[name=version]").value = data.version;
      form.querySelector("select[name=status]").value = data.status;
      for (const item of data.qa) {
        const li = document.createElement("li");
        li.className = item.severity;
        li.textContent = item.message;
        qa.appendChild(li);
      }
      return true;
    }
    const li = document.createElement("li");
    li.className = "error";
    li.setAttribute("role", "alert");
    li.textContent = data.detail;
    qa.appendChild(li);
    return false;
  }

  table.addEventListener("click", function (ev) {
    const b = ev.target.closest("button.suggestion");
    if (b) take(b.closest("tr"), Array.from(b.closest("tr").querySelectorAll("button.suggestion")).indexOf(b));
  });
  table.addEventListener("submit", function (ev) {
    ev.preventDefault();
    save(ev.target);
  });
  table.addEventListener("keydown", async function (ev) {
    const area = ev.target.closest("textarea[name=target]");
    if (!area) return;
    if (ev.ctrlKey && ev.key === "Enter") {
      ev.preventDefault();
      if (await save(area.form)) {
        const list = areas();
        const next = list[list.indexOf(area) + 1];
        if (next) next.focus();
      }
    } else if (ev.altKey && ["1", "2", "3"].includes(ev.key)) {
      ev.preventDefault();
      take(area.closest("tr"), Number(ev.key) - 1);
    }
  });
})();
