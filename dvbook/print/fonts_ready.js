// Waits until the page's fonts are loaded, so the PDF is printed with them and not with a fallback.
document.fonts.ready.then(() => true)
