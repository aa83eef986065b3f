/* The book's charts: static at once, interactive when the reader reaches for them.
 *
 * Each chart is a <figure class="dv-chart"> written by dvbook.sphinx_ext: a
 * focusable container labelled with the chart description, a .dv-chart-view
 * holding the static SVG image made at build time (scaled to the column), and
 * the Vega-Lite spec in <script type="application/json">; a chart with a
 * phone layout also has a narrow image and spec, used below 30rem.
 *
 * The Vega bundle (about 300 KiB gzipped) is loaded only when a reader points
 * at, touches or focuses a chart, so a first visit on a slow phone costs the
 * static images alone. Once it has loaded, every chart of the page is drawn
 * and replaces its image when drawn; a chart that fails keeps its image.
 * No request leaves the book's own host: data are inline, actions (which link
 * to the online Vega editor) are off.
 */
(function () {
  "use strict";

  var EMBED_OPTIONS = {
    mode: "vega-lite", // the spec carries no $schema URL, so say it explicitly
    renderer: "svg", // crisp, printable, and its text stays real text
    actions: false, // no export menu and no "open in Vega editor" link
    tooltip: { theme: "light" } // vega-tooltip, bundled with vega-embed
  };
  var REACH_EVENTS = ["pointerenter", "focusin", "touchstart"];
  var NARROW_MEDIA = "screen and (max-width: 30rem)";

  var script = document.currentScript;
  var bundleUrl = script && script.dataset.vega ? new URL(script.dataset.vega, script.src).href : null;
  var loading = null;

  /* Load the bundle once, as a module: it declares top-level names that would clash with Sphinx's globals. */
  function loadVega() {
    if (typeof window.vegaEmbed === "function") {
      return Promise.resolve();
    }
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        if (!bundleUrl) {
          reject(new Error("dv-charts.js has no data-vega attribute"));
          return;
        }
        var tag = document.createElement("script");
        tag.type = "module";
        tag.src = bundleUrl;
        tag.onload = resolve;
        tag.onerror = function () { reject(new Error("could not load " + bundleUrl)); };
        document.head.appendChild(tag);
      });
    }
    return loading;
  }

  function drawChart(figure) {
    if (figure.dataset.dvState !== "static") {
      return; // already drawn, drawing or failed
    }
    var view = figure.querySelector(".dv-chart-view");
    // A phone gets the chart's narrow layout when it has one (same breakpoint as dv-charts.css).
    var narrowNode = window.matchMedia(NARROW_MEDIA).matches
      ? figure.querySelector('script.dv-chart-spec-narrow[type="application/json"]') : null;
    var specNode = narrowNode || figure.querySelector('script.dv-chart-spec[type="application/json"]');
    if (!view || !specNode) {
      return;
    }
    var spec;
    try {
      spec = JSON.parse(specNode.textContent);
    } catch (error) {
      figure.dataset.dvState = "failed";
      console.error("dv-charts: invalid spec in #" + figure.id, error);
      return;
    }
    figure.dataset.dvState = "drawing";
    // Draw off to the side and swap when done, so the reader never sees an empty frame.
    var live = document.createElement("div");
    live.className = "dv-chart-live";
    live.hidden = true;
    view.appendChild(live);
    window.vegaEmbed(live, spec, EMBED_OPTIONS).then(
      function () {
        Array.prototype.forEach.call(view.querySelectorAll("img.dv-chart-static"), function (img) {
          img.remove();
        });
        // The figure's label already gives the chart's title and description, as the still image's alt
        // text did; Vega would add a label per mark naming data fields, hundreds on some pages.
        var svg = live.querySelector("svg");
        if (svg) {
          svg.setAttribute("aria-hidden", "true");
        }
        live.hidden = false;
        figure.dataset.dvState = "drawn";
      },
      function (error) {
        live.remove();
        figure.dataset.dvState = "failed";
        console.error("dv-charts: could not draw #" + figure.id, error);
      }
    );
  }

  function drawAll() {
    document.querySelectorAll("figure.dv-chart").forEach(drawChart);
  }

  function reachedFor() {
    REACH_EVENTS.forEach(function (name) {
      document.querySelectorAll("figure.dv-chart").forEach(function (figure) {
        figure.removeEventListener(name, reachedFor);
      });
    });
    loadVega().then(drawAll, function (error) {
      console.error("dv-charts: the interactive charts are unavailable; the static ones stay", error);
    });
  }

  function init() {
    document.querySelectorAll("figure.dv-chart").forEach(function (figure) {
      if (!figure.dataset.dvState) {
        figure.dataset.dvState = "static";
      }
      REACH_EVENTS.forEach(function (name) {
        figure.addEventListener(name, reachedFor, { passive: true });
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
