// True once every chart on the page is drawn or has failed (dv-charts.js sets data-dv-state).
() => Array.from(document.querySelectorAll('figure.dv-chart'))
  .every((figure) => ['drawn', 'failed'].includes(figure.dataset.dvState))
