"""Options of the test run, and how ``make test`` shares the suite between its workers.

``make test`` runs ``pytest -n auto``: one worker per core. A group of tests runs whole on one worker, and the
groups are handed out as workers come free, those with the most tests first. Each notebook is one group (its
cells share one kernel), as is each test module, with two exceptions: the page-by-page browser checks, where each
test is its own group, so the longest module is shared out instead of keeping one worker busy to the end; and the
print tests and the next-year chapters, one group per edition.
"""

from __future__ import annotations

import pytest
from xdist.scheduler import LoadScopeScheduling

ONE_GROUP_PER_TEST = ("tests/browser/test_book_pages.py",)
"""Modules whose tests are independent and need no module-wide setup."""
ONE_GROUP_PER_PARAMETER = ("tests/browser/test_pdf.py", "tests/test_next_year.py")
"""Modules that set up once per parameter (a module-scoped fixture with parameters: an edition printed)."""


def worker_group(nodeid: str) -> str:
    """The group a test belongs to, from its node id (``path::name[parameters]``)."""
    module, _, name = nodeid.partition("::")
    if module in ONE_GROUP_PER_TEST:
        return nodeid
    if module in ONE_GROUP_PER_PARAMETER and name.endswith("]"):
        return module + name[name.index("[") :]
    return module


class GroupScheduling(LoadScopeScheduling):
    """pytest-xdist's scope scheduling, with the scopes :func:`worker_group` gives."""

    def _split_scope(self, nodeid: str) -> str:
        return worker_group(nodeid)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log) -> GroupScheduling:
    """Share the tests out by :func:`worker_group`."""
    return GroupScheduling(config, log)


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--screenshots DIR``."""
    parser.addoption("--screenshots", metavar="DIR", default=None,
                     help="browser tests: save a full-page screenshot of every page checked into DIR")
