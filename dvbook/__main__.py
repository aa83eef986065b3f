"""Command line: ``python -m dvbook <command>``.

Commands are modules imported on demand; ``python -m dvregions validate`` checks the data.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# command name -> (module, help); each module has ``add_arguments(parser)`` and ``run(args) -> int``.
COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("dvbook.book", "execute stale notebooks, then build the HTML book"),
    "translations": ("dvbook.translations", "update or check the Dutch edition's catalogs (locales/)"),
    "pdf": ("dvbook.pdf", "print the built book to one PDF per edition and link it from the home page"),
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command named on the command line; return its exit status."""
    parser = argparse.ArgumentParser(prog="python -m dvbook", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        module = importlib.import_module(module_name)
        module.add_arguments(sub.add_parser(name, help=help_text, description=help_text))
    args = parser.parse_args(argv)
    module = importlib.import_module(COMMANDS[args.command][0])
    return module.run(args)


if __name__ == "__main__":
    sys.exit(main())
