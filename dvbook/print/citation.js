// The citation on the How to cite page (its first quotation), as HTML with links made plain text,
// for the title page.
() => {
  const quote = document.querySelector('article.bd-article blockquote');
  if (!quote) return '';
  const copy = quote.cloneNode(true);
  copy.querySelectorAll('a').forEach((link) => link.replaceWith(...link.childNodes));
  return copy.innerHTML;
}
