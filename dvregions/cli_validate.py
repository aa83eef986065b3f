"""``python -m dvregions validate [DATA_DIR]``: check a data folder before building the book."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``validate`` command's arguments to ``parser``."""
    parser.add_argument("data_dir", nargs="?", type=Path, default=None,
                        help="folder holding datapackage.json and its CSV files (default: the book's data/)")


def run(args: argparse.Namespace) -> int:
    """Validate the data folder; print one OK line or every problem, and return 0 or 1."""
    from dvregions import data  # on demand: the command line's help needs no pandas

    try:
        dataset = data.load(args.data_dir)
    except data.DataValidationError as error:
        print(f"INVALID: {error}", file=sys.stderr)
        return 1
    orders = dataset.orders
    print(f"OK: {dataset.data_dir} is valid: {len(orders)} restraining-order figures for {orders['area'].nunique()} "
          f"areas in {dataset.regions.shape[0]} regions ({orders['year'].min()}-{orders['year'].max()}), "
          f"{len(dataset.initiatives)} initiatives coded with {len(dataset.themes)} themes.")
    return 0
