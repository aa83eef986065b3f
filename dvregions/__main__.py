"""``python -m dvregions validate [DATA_DIR]``: check a data folder before building the book.

The book machinery has its own commands (``python -m dvbook``); this one needs nothing of it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


def validate(data_dir: Path | None) -> int:
    """Validate the data folder; print one OK line or every problem, and return 0 or 1."""
    from dvregions import data  # on demand: the command line's help needs no pandas

    try:
        dataset = data.load(data_dir)
    except data.DataValidationError as error:
        print(f"INVALID: {error}", file=sys.stderr)
        return 1
    orders = dataset.orders
    print(f"OK: {dataset.data_dir} is valid: {len(orders)} restraining-order figures for {orders['area'].nunique()} "
          f"areas in {dataset.regions.shape[0]} regions ({orders['year'].min()}-{orders['year'].max()}), "
          f"{len(dataset.initiatives)} initiatives coded with {len(dataset.themes)} themes.")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command named on the command line; return its exit status."""
    parser = argparse.ArgumentParser(prog="python -m dvregions", description="Check the book's data.")
    command = parser.add_subparsers(dest="command", required=True).add_parser(
        "validate", help="validate a data folder (default: the book's data/)")
    command.add_argument("data_dir", nargs="?", type=Path, default=None,
                         help="folder holding datapackage.json and its CSV files (default: the book's data/)")
    return validate(parser.parse_args(argv).data_dir)


if __name__ == "__main__":
    sys.exit(main())
