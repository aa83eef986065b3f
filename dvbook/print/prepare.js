// Turns a page of the book into a chapter of the print edition (see the html.dv-print-book rules in
// book/_static/print.css). Called with [title, maxRows, notes], notes being the wording of the note left where
// a long table is not printed (see labels() in pdf.py); returns the number of charts on the page.
([title, maxRows, notes]) => {
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
    note.textContent = notes.long.replace('{summary}', summary ? summary.textContent.trim() : notes.data_table)
      .replace('{rows}', String(rows));
    details.after(note);
  });
  return document.querySelectorAll('figure.dv-chart').length;
}
