"""Charts made with the ``dvregions`` renderer are interactive in JupyterLab 4.

A small notebook is executed into a temporary folder (so its stored outputs come
from the current renderer), then opened in a local ``jupyter lab`` in headless
Chromium: as stored (untrusted: JupyterLab only uses safe renderers), after
``jupyter trust``, and re-run in JupyterLab. Each time JupyterLab's bundled Vega
renderer must draw the chart (labelled with its description), hovering a bar must
show its tooltip, and no request may leave 127.0.0.1. Saving from JupyterLab must
leave the stored chart output as it was.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.error import URLError
from urllib.parse import urlsplit
from urllib.request import urlopen

import nbformat
import pytest
from nbclient import NotebookClient

from dvregions.charts import render

pytestmark = pytest.mark.browser

DESCRIPTION = "Bar chart of reports in three regions; B has the most."
NOTEBOOK_NAME = "chart.ipynb"
STARTUP_TIMEOUT_S = 60
MIN_IMAGE_PX = 40

CHART_CODE = f"""\
import altair as alt
import pandas as pd
from dvregions.charts.render import enable_renderer

enable_renderer()
data = pd.DataFrame({{"region": ["A", "B", "C"], "reports": [3, 7, 2]}})
alt.Chart(data).mark_bar().encode(x="region:N", y="reports:Q", tooltip=["region:N", "reports:Q"]).properties(
    width=200, height=150, description={DESCRIPTION!r}
)
"""

# The chart JupyterLab drew for the output, whatever renderer it picked.
CHART_STATE_JS = """
() => Array.from(document.querySelectorAll('.jp-OutputArea-output')).map((area) => {
  const view = area.querySelector('.vega-embed');
  const svg = view ? view.querySelector('svg.marks') : null;
  const r = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
  return {classes: area.className, label: view ? view.getAttribute('aria-label') : null,
          width: r.width, height: r.height, bars: svg ? svg.querySelectorAll('.mark-rect path').length : 0,
          actions: area.querySelectorAll('.vega-actions, details').length,
          images: area.querySelectorAll('img').length};
})
"""
TOOLTIP_JS = """
() => { const t = document.getElementById('vg-tooltip-element');
        return t && t.classList.contains('visible') ? t.innerText : null; }
"""
# Bar B (the second) holds the largest value; its tooltip names region and value.
HOVERED_BAR = 1
EXPECTED_TOOLTIP = ("region", "B", "reports", "7")


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_chart_notebook(path: Path) -> None:
    """Write and execute the one-chart notebook, storing its outputs like the chapters do."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(CHART_CODE)]
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    nbformat.write(nb, path)


def jupyter_env(home: Path) -> dict[str, str]:
    """Environment isolating JupyterLab's config, data (trust database) and runtime files."""
    env = dict(os.environ)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        folder = home / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[name] = str(folder)
    return env


def wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    """Poll the server until it answers, failing early (with its log) if it exits."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace").splitlines()[-10:]
            raise RuntimeError(f"jupyter lab exited with code {process.returncode}:\n" + "\n".join(tail))
        try:
            with urlopen(url, timeout=2):
                return
        except (URLError, OSError):
            time.sleep(0.5)
    raise TimeoutError(f"jupyter lab did not answer at {url} within {STARTUP_TIMEOUT_S}s")


@pytest.fixture(scope="module")
def lab_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temporary folder holding the notebook and JupyterLab's own state."""
    home = tmp_path_factory.mktemp("jupyterlab")
    (home / "notebooks").mkdir()
    make_chart_notebook(home / "notebooks" / NOTEBOOK_NAME)
    return home


@pytest.fixture(scope="module")
def lab_url(lab_home: Path) -> Iterator[tuple[str, str]]:
    """Start ``jupyter lab`` on 127.0.0.1 with a random token; yield (base URL, token)."""
    port, token = free_port(), secrets.token_hex(16)
    log_path = lab_home / "lab.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [
            sys.executable, "-m", "jupyterlab", "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={lab_home / 'notebooks'}",
            # CI containers run as root; the server itself is reachable on loopback only.
            "--allow-root",
            # Never ask the internet for news, updates or extensions.
            "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
        ],
        env=jupyter_env(lab_home), stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_until_up(f"{base}api/status?token={token}", process, log_path)
        yield base, token
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


# JupyterLab's status bar item says "Notebook trusted: ..." or "Notebook not trusted: ...".
TRUST_SELECTOR = '[title^="Notebook trusted"], [title^="Notebook not trusted"]'


def open_notebook_and_hover(
    browser, base: str, token: str, screenshot: Path, rerun: bool = False, save: bool = False
) -> tuple[list[dict], str | None, list[str], str]:
    """Open the notebook in JupyterLab (optionally re-run it), hover a bar; screenshot with the tooltip.

    Returns the drawn charts' state, the tooltip text, foreign requests and the trust text.
    """
    foreign: list[str] = []
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()

    def record(request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in {"data", "blob", "about"} and parts.hostname != "127.0.0.1":
            foreign.append(request.url)

    page.on("request", record)
    try:
        page.goto(f"{base}lab/tree/{NOTEBOOK_NAME}?token={token}", wait_until="domcontentloaded")
        try:
            page.wait_for_selector(".jp-OutputArea-output .vega-embed svg.marks .mark-rect path", timeout=60_000)
            if rerun:
                page.click(".jp-OutputArea-output")  # select the cell, in command mode
                page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
                page.evaluate("() => document.querySelector('.jp-OutputArea-output').setAttribute('data-old', '1')")
                page.keyboard.press("Shift+Enter")
                # A new output area replaces the stored one once the kernel has answered.
                page.wait_for_function(
                    "() => { const a = document.querySelector('.jp-OutputArea-output');"
                    " return a && !a.hasAttribute('data-old') && a.querySelector('.vega-embed svg.marks .mark-rect path'); }",
                    timeout=120_000,
                )
        except Exception:
            page.screenshot(path=str(screenshot))  # shows what JupyterLab drew instead
            raise
        trust = page.wait_for_selector(TRUST_SELECTOR, state="attached", timeout=10_000).get_attribute("title")
        bar = page.locator(".jp-OutputArea-output .vega-embed svg.marks .mark-rect path").nth(HOVERED_BAR)
        bar.hover()
        try:
            page.wait_for_function(TOOLTIP_JS, timeout=10_000)
        except Exception:
            pass  # reported by the assertion on the tooltip text
        tooltip = page.evaluate(TOOLTIP_JS)
        page.screenshot(path=str(screenshot))
        charts = page.evaluate(CHART_STATE_JS)
        if save:
            # Wait for the server's answer to the save, not for the tab's dirty mark: the mark can clear
            # before the server has finished rewriting the file, which is then read half-written.
            with page.expect_response(lambda response: response.request.method == "PUT"
                                      and "/api/contents/" in response.url, timeout=20_000):
                page.keyboard.press("Control+s")
            page.wait_for_function("() => !document.querySelector('.jp-mod-current .jp-mod-dirty')", timeout=20_000)
        return charts, tooltip, foreign, trust or ""
    finally:
        context.close()


def assert_interactive_chart(charts: list[dict], tooltip: str | None, foreign: list[str]) -> None:
    """Exactly one chart, drawn by JupyterLab's Vega renderer, labelled, with a working tooltip."""
    assert len(charts) == 1, charts
    chart = charts[0]
    assert "jp-RenderedVega5" in chart["classes"], chart  # the bundled renderer, not a static fallback
    assert chart["label"] == DESCRIPTION, chart
    assert chart["width"] >= MIN_IMAGE_PX and chart["height"] >= MIN_IMAGE_PX, chart
    assert chart["bars"] == 3, chart
    assert chart["actions"] == 0 and chart["images"] == 0, chart  # as in the book: no menu, no still image
    assert tooltip is not None, "no tooltip after hovering a bar"
    assert tuple(word.rstrip(":") for word in tooltip.split()) == EXPECTED_TOOLTIP, tooltip
    assert foreign == [], f"JupyterLab page requested other hosts: {foreign}"


def chart_output(path: Path) -> dict:
    """The stored chart output's data."""
    (output,) = nbformat.read(path, as_version=4).cells[0].outputs
    return dict(output["data"])


@pytest.fixture(scope="module")
def shots(screenshot_dir: Path | None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where JupyterLab's screenshots go: the ``--screenshots`` folder, else a temporary one."""
    return screenshot_dir or tmp_path_factory.mktemp("shots")


def test_untrusted_notebook_shows_interactive_chart(browser, lab_url, lab_home: Path, shots: Path) -> None:
    """As stored (untrusted), JupyterLab's safe Vega renderer draws the chart; saving changes no output."""
    base, token = lab_url
    path = lab_home / "notebooks" / NOTEBOOK_NAME
    stored = chart_output(path)
    assert render.VEGA_MIME_TYPE in stored and "text/html" not in stored
    charts, tooltip, foreign, trust = open_notebook_and_hover(
        browser, base, token, shots / "jupyterlab-untrusted.png", save=True
    )
    assert trust.startswith("Notebook not trusted"), trust
    assert_interactive_chart(charts, tooltip, foreign)
    # JupyterLab writes a PNG snapshot into outputs that lack image/png; the placeholder prevents it.
    assert chart_output(path) == stored


def test_trusted_notebook_shows_interactive_chart(browser, lab_url, lab_home: Path, shots: Path) -> None:
    """After ``jupyter trust`` the same renderer draws the same chart."""
    subprocess.run(
        [sys.executable, "-m", "jupyter", "trust", str(lab_home / "notebooks" / NOTEBOOK_NAME)],
        env=jupyter_env(lab_home), check=True, capture_output=True,
    )
    base, token = lab_url
    charts, tooltip, foreign, trust = open_notebook_and_hover(browser, base, token, shots / "jupyterlab-trusted.png")
    assert trust.startswith("Notebook trusted"), trust
    assert_interactive_chart(charts, tooltip, foreign)


def test_rerun_notebook_shows_interactive_chart(browser, lab_url, shots: Path) -> None:
    """Re-running the cell in JupyterLab gives the same interactive chart."""
    base, token = lab_url
    charts, tooltip, foreign, _ = open_notebook_and_hover(
        browser, base, token, shots / "jupyterlab-rerun.png", rerun=True
    )
    assert_interactive_chart(charts, tooltip, foreign)
