// Renders every <div data-vega-spec="ID"> with the Vega-Lite spec in <script type="application/json" id="ID">.
// Uses the expression interpreter, so the page's Content-Security-Policy needs no 'unsafe-eval'.
(function () {
  function render() {
    document.querySelectorAll("[data-vega-spec]").forEach(function (el) {
      var source = document.getElementById(el.dataset.vegaSpec);
      if (!source || el.dataset.rendered) return;
      el.dataset.rendered = "1";
      var spec = JSON.parse(source.textContent);
      // the chart's own words in the page's language: the actions menu (core/_chart_i18n.html) and its label
      var words = document.getElementById("chart-i18n");
      if (spec.description && !el.hasAttribute("aria-label")) {
        el.setAttribute("role", "img");
        el.setAttribute("aria-label", spec.description);
      }
      vegaEmbed(el, spec, {
        actions: { export: true, source: false, compiled: false, editor: false },
        i18n: words ? JSON.parse(words.textContent) : undefined,
        ast: true,
        expr: vega.expressionInterpreter,
        renderer: "svg",
      }).catch(function (err) { el.textContent = String(err); });
    });
  }
  document.addEventListener("DOMContentLoaded", render);
  document.addEventListener("htmx:afterSettle", render);
})();
