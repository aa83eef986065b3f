"""The book's Altair charts: figures, shared layers, theme and the offline renderer.

Altair imports jsonschema, which imports ``rfc3987_syntax``, which compiles a grammar (1.4-3 s, over half of
Altair's import, in every kernel). The charts never check an IRI, so it is a stand-in that loads on first use.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types


def _defer(name: str) -> None:
    """Put a stand-in for ``name`` in ``sys.modules`` that imports the real module on first use."""
    if name in sys.modules or importlib.util.find_spec(name) is None:
        return
    stand_in = types.ModuleType(name)

    def real() -> types.ModuleType:
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
        module = importlib.import_module(name)
        stand_in.__dict__.update({k: v for k, v in module.__dict__.items() if k != "__getattr__"})
        return module

    # the one name jsonschema imports: importing it must not load the module, only calling it
    stand_in.is_valid_syntax = lambda term, value: real().is_valid_syntax(term, value)

    def load_on_use(attribute: str):
        if attribute.startswith("__"):  # the import system probing (__path__, ...) is not a use
            raise AttributeError(attribute)
        return getattr(real(), attribute)

    stand_in.__getattr__ = load_on_use
    sys.modules[name] = stand_in


_defer("rfc3987_syntax")
