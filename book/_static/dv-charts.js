/* Draw the book's charts with the locally served Vega bundle.
 *
 * Each chart is a <figure class="dv-chart"> written by dvregions.sphinx_ext:
 * a focusable container labelled with the chart description, an empty
 * .dv-chart-view and the Vega-Lite spec in <script type="application/json">.
 * No request leaves the book's own host: data are inline, actions (which
 * link to the online Vega editor) are off.
 */
(function () {
  "use strict";

  var EMBED_OPTIONS = {
    mode: "vega-lite", // the spec carries no $schema URL, so say it explicitly
    renderer: "svg", // crisp, printable, and its text stays real text
    actions: false, // no export menu and no "open in Vega editor" link
    tooltip: { theme: "light" } // vega-tooltip, bundled with vega-embed
  };

  /* When JavaScript runs, <noscript> holds its content as text: reuse it as fallback. */
  function showFallback(figure) {
    var view = figure.querySelector(".dv-chart-view");
    var noscript = figure.querySelector("noscript");
    if (view && noscript && !view.hasChildNodes()) {
      view.innerHTML = noscript.textContent; // our own static <img>, written at build time
    }
    figure.classList.add("dv-chart-failed");
  }

  function drawChart(figure) {
    if (figure.dataset.dvState) {
      return; // already drawn or drawing
    }
    var view = figure.querySelector(".dv-chart-view");
    var specNode = figure.querySelector('script.dv-chart-spec[type="application/json"]');
    if (!view || !specNode || typeof window.vegaEmbed !== "function") {
      showFallback(figure);
      return;
    }
    var spec;
    try {
      spec = JSON.parse(specNode.textContent);
    } catch (error) {
      console.error("dv-charts: invalid spec in #" + figure.id, error);
      showFallback(figure);
      return;
    }
    figure.dataset.dvState = "drawing";
    window.vegaEmbed(view, spec, EMBED_OPTIONS).then(
      function () {
        figure.dataset.dvState = "drawn";
      },
      function (error) {
        figure.dataset.dvState = "failed";
        console.error("dv-charts: could not draw #" + figure.id, error);
        showFallback(figure);
      }
    );
  }

  function drawAll() {
    document.querySelectorAll("figure.dv-chart").forEach(drawChart);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
