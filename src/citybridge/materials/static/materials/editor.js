// Translator's editor: Ctrl+Enter saves the segment and moves to the next; Ctrl+Shift+Enter saves it as reviewed
// and moves on; Alt+Down / Alt+Up move between segments; Alt+1..3 takes a suggestion; "MT suggestion" asks the
// configured machine-translation backend (shown only when one is configured) and marks its answer as such.
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

  function move(area, step) {
    const list = areas();
    const next = list[list.indexOf(area) + step];
    if (next) next.focus();
    return next;
  }

  async function machine(form) {
    const row = form.closest("tr");
    const segForm = row.querySelector("form.segment");
    const body = new FormData(form);
    body.set("version", segForm.querySelector("input[name=version]").value);
    const res = await fetch(form.action, { method: "POST", body: body, headers: { Accept: "application/json" }, credentials: "same-origin" });
    const data = await res.json();
    const qa = segForm.querySelector("ul.qa");
    qa.textContent = "";
    if (res.ok) {
      const area = segForm.querySelector("textarea[name=target]");
      area.value = data.target;
      segForm.querySelector("input[name=version]").value = data.version;
      segForm.querySelector("select[name=status]").value = data.status;
      segForm.querySelector(".machine").hidden = !data.machine;
      area.focus();
      return;
    }
    const li = document.createElement("li");
    li.className = "error";
    li.setAttribute("role", "alert");
    li.textContent = data.detail;
    qa.appendChild(li);
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
      form.querySelector(".machine").hidden = !data.machine;
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
    if (ev.target.classList.contains("mt")) machine(ev.target);
    else save(ev.target);
  });
  table.addEventListener("keydown", async function (ev) {
    const area = ev.target.closest("textarea[name=target]");
    if (!area) return;
    if (ev.ctrlKey && ev.key === "Enter") {
      ev.preventDefault();
      if (ev.shiftKey) area.form.querySelector("select[name=status]").value = "reviewed";
      if (await save(area.form)) move(area, 1);
    } else if (ev.altKey && (ev.key === "ArrowDown" || ev.key === "ArrowUp")) {
      ev.preventDefault();
      move(area, ev.key === "ArrowDown" ? 1 : -1);
    } else if (ev.altKey && ["1", "2", "3"].includes(ev.key)) {
      ev.preventDefault();
      take(area.closest("tr"), Number(ev.key) - 1);
    }
  });
})();
