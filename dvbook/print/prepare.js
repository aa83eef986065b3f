// Turns a page of the book into a chapter of the print edition (see the html.dv-print-book rules in
// book/_static/print.css). Called with [title, maxRows]; returns the number of charts on the page.
([title, maxRows]) => {
  document.documentElement.classList.add('dv-print-book');
  const heading = document.querySelector('#jb-print-docs-body h1');
  if (heading) heading.textContent = title;
  for (const link of document.querySelectorAll('a[href]')) {
    const url = new URL(link.href, location.href);
    if (url.origin === location.origin) {
      link.removeAttribute('href');
      link.classList.add('dv-print-internal');
    } else if (link.textContent.trim() === link.href || link.textContent.trim() === url.href) {
      link.classList.add('dv-url-shown');
    }
  }
  // Short tables (a chart's figures) are printed open; long ones would fill pages with what the data package holds.
  document.querySelectorAll('details.dv-data').forEach((details) => {
    const rows = details.querySelectorAll('tbody tr').length;
    if (rows <= maxRows) { details.open = true; return; }
    details.classList.add('dv-print-omitted');
    // Say what was left out and where to find it, so no reader wonders what is missing.
    const summary = details.querySelector('summary');
    const note = document.createElement('p');
    note.className = 'dv-print-note';
    note.textContent = (summary ? summary.textContent.trim() : 'Data table') + ` (${rows} rows): not printed; `
      + 'it is in the online book and in the data package.';
    details.after(note);
  });
  return document.querySelectorAll('figure.dv-chart').length;
}
