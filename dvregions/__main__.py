"""Command line: ``python -m dvregions <command>``.

Commands are small modules imported on demand, so ``validate`` stays fast and does
not import the book tool chain.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# command name -> (module, help); each module has ``add_arguments(parser)`` and ``run(args) -> int``.
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("dvregions.cli_validate", "validate a data folder (default: the book's data/)"),
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command named on the command line; return its exit status."""
    parser = argparse.ArgumentParser(prog="python -m dvregions", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        module = importlib.import_module(module_name)
        module.add_arguments(sub.add_parser(name, help=help_text, description=help_text))
    args = parser.parse_args(argv)
    module = importlib.import_module(COMMANDS[args.command][0])
    return module.run(args)


if __name__ == "__main__":
    sys.exit(main())
