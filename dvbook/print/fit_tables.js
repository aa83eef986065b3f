// Makes every table of a prepared chapter fit the width of the paper; pdf.py sets the viewport to that width
// first, so what is measured here is what is printed. A table wider than the page first wraps its cells (a
// line may break after the underscores of a code, and words are hyphenated where the browser can for the
// page's language), then takes a smaller type, then a smaller one still (see fit_tables.css). A table that
// still does not fit is left to the online book, with a note in the page's language, as prepare.js does for
// long tables. Called with the notes' wording (see labels() in pdf.py); returns what it did to each table
// it changed: {table, columns, step, note}, step being the last class added or 'omitted'.
(notes) => {
  const article = document.querySelector('article.bd-article') || document.body;
  const style = getComputedStyle(article);
  const right = article.getBoundingClientRect().right - parseFloat(style.paddingRight)
    - parseFloat(style.borderRightWidth);
  // Half a pixel to spare: the viewport is the paper's width rounded down to whole pixels.
  const fits = (table) => table.getBoundingClientRect().right <= right + 0.5 && table.scrollWidth <= table.clientWidth;
  const columns = (table) => Math.max(0, ...Array.from(table.rows, (row) => row.cells.length));
  const title = (table) => {
    const details = table.closest('details.dv-data');
    const summary = details ? details.querySelector('summary') : null;
    const caption = table.querySelector('caption');
    if (summary) return summary.textContent.trim();
    return caption ? caption.textContent.trim() : (details ? notes.data_table : notes.table);
  };
  // A code such as centrumgemeente_region may break after an underscore, like a hyphenated word.
  const breakCodes = (table) => {
    const walker = document.createTreeWalker(table, NodeFilter.SHOW_TEXT);
    const nodes = [];
    while (walker.nextNode()) if (/_\S/.test(walker.currentNode.textContent)) nodes.push(walker.currentNode);
    for (const node of nodes) {
      const parts = node.textContent.split(/(?<=_)(?=\S)/);
      node.replaceWith(...parts.flatMap((part, index) => index ? [document.createElement('wbr'), part] : [part]));
    }
  };
  const changed = [];
  for (const table of article.querySelectorAll('table')) {
    // Tables already left out, or not shown on paper (in a closed or hidden block), are not measured.
    if (table.closest('.dv-print-omitted') || !table.getClientRects().length || fits(table)) continue;
    breakCodes(table);
    let step = null;
    for (const name of ['dv-print-wrap', 'dv-print-small', 'dv-print-smaller']) {
      table.classList.add(name);
      step = name;
      if (fits(table)) break;
    }
    let note = null;
    if (!fits(table)) {
      // Say what was left out and where to find it, so no reader wonders what is missing.
      const details = table.closest('details.dv-data');
      const omitted = details || table.closest('.pst-scrollable-table-container') || table;
      omitted.classList.add('dv-print-omitted');
      note = document.createElement('p');
      note.className = 'dv-print-note';
      note.textContent = (details ? notes.wide : notes.wide_table)
        .replace('{summary}', title(table)).replace('{columns}', String(columns(table)));
      omitted.after(note);
      step = 'omitted';
      note = note.textContent;
    }
    changed.push({table: title(table), columns: columns(table), step, note});
  }
  return changed;
}
