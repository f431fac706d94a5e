// Renders every <div data-vega-spec="ID"> with the Vega-Lite spec in <script type="application/json" id="ID">.
// Uses the expression interpreter, so the page's Content-Security-Policy needs no 'unsafe-eval'.
(function () {
  function render() {
    document.querySelectorAll("[data-vega-spec]").forEach(function (el) {
      var source = document.getElementById(el.dataset.vegaSpec);
      if (!source || el.dataset.rendered) return;
      el.dataset.rendered = "1";
      vegaEmbed(el, JSON.parse(source.textContent), {
        actions: { export: true, source: false, compiled: false, editor: false },
        ast: true,
        expr: vega.expressionInterpreter,
        renderer: "svg",
      }).catch(function (err) { el.textContent = String(err); });
    });
  }
  document.addEventListener("DOMContentLoaded", render);
  document.addEventListener("htmx:afterSettle", render);
})();
