/* Quick exit for readers who may be watched while reading.
 *
 * Without JavaScript the quick exit is a plain link. With it, the exit replaces the current
 * history entry (so Back does not return to this page) and Esc pressed twice within a second
 * does the same from anywhere on the page. Once the banner scrolls away, the exit stays pinned
 * to the bottom right corner. Nothing is stored and nothing is sent.
 */
(function () {
  "use strict";
  var DOUBLE_PRESS_MS = 1000;
  var lastEscape = 0;

  function exitTarget() {
    var link = document.getElementById("dv-quick-exit");
    return link ? link.href : null;
  }

  function leave(event) {
    var target = exitTarget();
    if (!target) return;
    if (event) event.preventDefault();
    window.location.replace(target);
  }

  function onKeydown(event) {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    var now = Date.now();
    if (now - lastEscape <= DOUBLE_PRESS_MS) {
      lastEscape = 0;
      leave(null);
    } else {
      lastEscape = now;
    }
  }

  // Once the banner scrolls out of view, pin the exit to the corner so it stays one click away.
  function pinWhenScrolled(banner) {
    if (!banner || !("IntersectionObserver" in window)) return;
    new IntersectionObserver(function (entries) {
      banner.classList.toggle("dv-safety--pinned", !entries[0].isIntersecting);
    }).observe(banner);
  }

  function init() {
    var link = document.getElementById("dv-quick-exit");
    if (link) link.addEventListener("click", leave);
    document.addEventListener("keydown", onKeydown);
    pinWhenScrolled(document.getElementById("dv-safety"));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
