// Renders every <div data-vega-spec="ID"> with the Vega-Lite spec in <script type="application/json" id="ID">.
// Uses the expression interpreter, so the page's Content-Security-Policy needs no 'unsafe-eval'.
(function () {
  function render() {
    document.querySelectorAll("[data-vega-spec]").forEach(function (el) {
      var source = document.getElementById(el.dataset.vegaSpec);
      if (!source || el.dataset.rendered) return;
      el.dataset.rendered = "1";
      var spec = JSON.parse(source.textContent);
      // the chart's own words in the page's language (core/_vega.html): the actions menu, its label, the failure
      var wordsEl = document.getElementById("chart-i18n");
      var words = wordsEl ? JSON.parse(wordsEl.textContent) : {};
      if (spec.description && !el.hasAttribute("aria-label")) {
        el.setAttribute("role", "img");
        el.setAttribute("aria-label", spec.description);
      }
      // the chart is one image named by its translated description: Vega's own ARIA sentences for axes and
      // marks are English ("X-axis titled …") and read raw numbers, so they are left out
      spec.config = Object.assign({ aria: false }, spec.config);
      vegaEmbed(el, spec, {
        actions: { export: true, source: false, compiled: false, editor: false },
        i18n: words,
        ast: true,
        expr: vega.expressionInterpreter,
        renderer: "svg",
      }).then(function () {
        var menu = el.querySelector("summary");
        if (menu && words.CLICK_TO_VIEW_ACTIONS) menu.setAttribute("aria-label", words.CLICK_TO_VIEW_ACTIONS);
      }).catch(function (err) {
        console.error(err);
        el.dataset.chartError = String(err);
        el.textContent = words.CHART_FAILED || "";
        el.classList.add("chart-failed");
      });
    });
  }
  document.addEventListener("DOMContentLoaded", render);
  document.addEventListener("htmx:afterSettle", render);
})();
