// The charts that were not drawn, by id (or label), so the print can stop and name them.
() => Array.from(document.querySelectorAll('figure.dv-chart'))
  .filter((figure) => figure.dataset.dvState !== 'drawn')
  .map((figure) => figure.id || figure.getAttribute('aria-label'))
