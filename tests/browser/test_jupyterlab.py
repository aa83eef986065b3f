"""Charts made with the ``dvregions`` renderer are visible in JupyterLab 4.

A small notebook is executed into a temporary folder (so its stored outputs come
from the current renderer), then opened in a local ``jupyter lab`` in headless
Chromium twice: as stored (untrusted: JupyterLab only uses safe renderers and
sanitizes HTML) and after ``jupyter trust``. Both times the chart image must be
loaded, of real size, with the chart description as its alt text, and no request
may leave 127.0.0.1.
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
alt.Chart(data).mark_bar().encode(x="region:N", y="reports:Q").properties(
    width=200, height=150, description={DESCRIPTION!r}
)
"""

# The image JupyterLab shows for the chart output, whatever renderer it picked.
IMAGE_STATE_JS = """
() => Array.from(document.querySelectorAll('.jp-OutputArea-output img')).map((img) => {
  const r = img.getBoundingClientRect();
  const area = img.closest('.jp-OutputArea-output');
  return {alt: img.getAttribute('alt'), loaded: img.complete && img.naturalWidth > 0,
          width: r.width, height: r.height, mime: area ? area.getAttribute('data-mime-type') : null};
})
"""


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


def open_notebook_images(browser, base: str, token: str, screenshot: Path) -> tuple[list[dict], list[str], str]:
    """Open the notebook in JupyterLab; return the output images' state, foreign requests, trust text."""
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
            page.wait_for_selector(".jp-OutputArea-output img", timeout=60_000)
        except Exception:
            page.screenshot(path=str(screenshot))  # shows what JupyterLab drew instead
            raise
        page.wait_for_function("() => Array.from(document.querySelectorAll('.jp-OutputArea-output img'))"
                               ".every(i => i.complete)", timeout=10_000)
        trust = page.wait_for_selector(TRUST_SELECTOR, state="attached", timeout=10_000).get_attribute("title")
        page.screenshot(path=str(screenshot))
        return page.evaluate(IMAGE_STATE_JS), foreign, trust or ""
    finally:
        context.close()


def assert_chart_image_shown(images: list[dict], foreign: list[str]) -> None:
    """Exactly one chart image: loaded, of real size, with the description as alt text."""
    assert len(images) == 1, images
    image = images[0]
    assert image["loaded"], image
    assert image["width"] >= MIN_IMAGE_PX and image["height"] >= MIN_IMAGE_PX, image
    assert image["alt"] == DESCRIPTION, image
    assert foreign == [], f"JupyterLab page requested other hosts: {foreign}"


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Screenshot folder (``DVREGIONS_ARTIFACTS`` keeps them, else a temp folder)."""
    root = os.environ.get("DVREGIONS_ARTIFACTS")
    path = Path(root) / "screenshots" if root else tmp_path_factory.mktemp("shots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_untrusted_notebook_shows_chart(browser, lab_url, shots: Path) -> None:
    """As stored (untrusted), the sanitized text/html output still shows the chart image."""
    base, token = lab_url
    images, foreign, trust = open_notebook_images(browser, base, token, shots / "jupyterlab-untrusted.png")
    assert trust.startswith("Notebook not trusted"), trust
    assert_chart_image_shown(images, foreign)
    assert images[0]["mime"] == "text/html"


def test_trusted_notebook_shows_chart(browser, lab_url, lab_home: Path, shots: Path) -> None:
    """After ``jupyter trust`` the same output is shown (no blank Vega-Lite 6 output)."""
    subprocess.run(
        [sys.executable, "-m", "jupyter", "trust", str(lab_home / "notebooks" / NOTEBOOK_NAME)],
        env=jupyter_env(lab_home), check=True, capture_output=True,
    )
    base, token = lab_url
    images, foreign, trust = open_notebook_images(browser, base, token, shots / "jupyterlab-trusted.png")
    assert trust.startswith("Notebook trusted"), trust
    assert_chart_image_shown(images, foreign)
    assert images[0]["mime"] == "text/html"
