// Destructive actions ask first, in a <dialog> (no inline scripts: the CSP forbids them).
// Mark a submit button or link: data-confirm="Question?" data-confirm-yes="Withdraw" data-confirm-no="Go back", each
// translated in the template (tests/core/test_confirm_labels.py checks every data-confirm has its data-confirm-no).
// Capture phase: this runs before the older window.confirm handler in site.js and stops it.
(function () {
  "use strict";

  function proceed(el) {
    if (el.form) {
      if (el.form.requestSubmit) el.form.requestSubmit(el); else el.form.submit();
    } else if (el.href) {
      window.location.assign(el.href);
    }
  }

  function ask(el) {
    var dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("role", "alertdialog");
    var article = document.createElement("article");
    var message = document.createElement("p");
    message.id = "confirm-dialog-message";
    message.textContent = el.dataset.confirm;
    dialog.setAttribute("aria-labelledby", message.id);
    var footer = document.createElement("footer");
    var no = document.createElement("button");
    no.type = "button";
    no.className = "secondary";
    no.dataset.confirmAnswer = "no";
    no.textContent = el.dataset.confirmNo;
    var yes = document.createElement("button");
    yes.type = "button";
    yes.className = "outline contrast";
    yes.dataset.confirmAnswer = "yes";
    yes.textContent = el.dataset.confirmYes || el.textContent.trim();
    no.addEventListener("click", function () { dialog.close(); });
    yes.addEventListener("click", function () { dialog.close(); proceed(el); });
    dialog.addEventListener("close", function () { dialog.remove(); el.focus(); });
    footer.appendChild(no);
    footer.appendChild(yes);
    article.appendChild(message);
    article.appendChild(footer);
    dialog.appendChild(article);
    document.body.appendChild(dialog);
    dialog.showModal();
    no.focus();  // the safe answer is the default
  }

  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-confirm]");
    if (!el) return;
    event.preventDefault();
    event.stopPropagation();
    // no dialog, or no translated label for its safe answer: the browser's own confirm(), in the browser's language
    // (this script holds no words of its own)
    if (typeof HTMLDialogElement !== "function" || !el.dataset.confirmNo) {
      if (window.confirm(el.dataset.confirm)) proceed(el);
      return;
    }
    ask(el);
  }, true);
})();
