// Runs before every page's own scripts: the book's theme reads its mode from localStorage, and paper is light.
try { localStorage.setItem('mode', 'light'); localStorage.setItem('theme', 'light'); } catch (e) {}
