// Charts are drawn when a reader reaches for one (dv-charts.js): reach for the first chart as a reader would,
// which starts the drawing of every chart on the page.
() => {
  const figure = document.querySelector('figure.dv-chart');
  if (figure) figure.dispatchEvent(new FocusEvent('focusin', {bubbles: true}));
}
