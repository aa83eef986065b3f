// Reads the home page: language, book title, help lines and the sidebar's parts and pages in order.
// Returns {lang, title, help, entries}; each entry is {title, url, part} (part null for the home page).
() => {
  const text = (node) => node ? node.textContent.replace(/\s+/g, ' ').trim() : '';
  const heading = document.querySelector('article.bd-article h1');
  let title = document.title;
  if (heading) {
    const copy = heading.cloneNode(true);
    copy.querySelectorAll('.headerlink').forEach((link) => link.remove());
    title = text(copy);
  }
  const help = document.querySelector('#dv-safety .dv-safety__help');
  const entries = [];
  let part = null;
  const nav = document.querySelector('nav.bd-docs-nav');
  if (nav) {
    for (const node of nav.querySelectorAll('p.caption, li.toctree-l1 > a.reference')) {
      if (node.matches('p.caption')) { part = text(node); continue; }
      const home = node.closest('.bd-sidenav__home-link') !== null;
      entries.push({title: text(node), url: node.href.split('#')[0], part: home ? null : part});
    }
  }
  return {lang: document.documentElement.lang || 'en', title, help: help ? help.innerHTML : '', entries};
}
