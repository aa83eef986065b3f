"""National-scale cost of load + validate and of the cross-region charts.

Each scale runs in its own interpreter, so its peak memory (``ru_maxrss``) is its own.
Imports are paid before the clock starts: the numbers are the cost of the data, not of
start-up.

Run one measurement by hand: ``python benchmarks/national.py DATA_DIR [--chart module:function]``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Chart functions measured at every scale, as "module:function"; more with --chart.
# Arguments are passed by name from the loaded data: a parameter called ``orders`` gets
# the restraining-order table, one named after a table gets that table, ``dataset`` (or
# ``data``) gets the whole Dataset. Each returns an Altair chart or a Vega-Lite dict.
CHART_FUNCTIONS: list[str] = [
    "dvregions.charts.across:orders_by_year",
    "dvregions.charts.across:violation_rates",
    "dvregions.charts.across:change_ratios",
]


def resolve(dotted: str) -> Callable[[Any], Any]:
    """``"package.module:function"`` -> the function."""
    module_name, _, attr = dotted.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def call_with_data(function: Callable[..., Any], dataset: Any) -> Any:
    """Call ``function`` with the dataset's tables matched to its required parameters by name."""
    import inspect

    kwargs = {}
    for name, parameter in inspect.signature(function).parameters.items():
        if parameter.default is not inspect.Parameter.empty:
            continue
        if name == "orders":
            kwargs[name] = dataset.orders
        elif name in dataset.tables:
            kwargs[name] = dataset.tables[name]
        elif name in ("dataset", "data"):
            kwargs[name] = dataset
        else:
            raise TypeError(f"{function.__name__}: no data for parameter {name!r}")
    return function(**kwargs)


def rss_mib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(data_dir: Path, charts: list[str]) -> dict[str, Any]:
    """Time load + validate and each chart (spec + rendered mime bundle) on one data folder."""
    import frictionless  # noqa: F401
    import pandas  # noqa: F401  - imports before the clock

    from dvregions import data

    functions = {name: resolve(name) for name in charts}
    if functions:
        from dvregions.charts import render

        # vl-convert starts its JavaScript runtime on first use (about 1 s): not a cost of the data
        render.static_svg({"data": {"values": [{"a": 1}]}, "mark": "point", "encoding": {"x": {"field": "a"}}})
    baseline = rss_mib()
    start = time.perf_counter()
    dataset = data.load(data_dir)
    result: dict[str, Any] = {
        "rows": int(len(dataset.orders)),
        "load_s": time.perf_counter() - start,
        "rss_after_imports_mib": baseline,
        "peak_after_load_mib": rss_mib(),
        "charts": {},
    }
    for name, function in functions.items():
        from dvregions.charts import render

        start = time.perf_counter()
        chart = call_with_data(function, dataset)
        spec = chart if isinstance(chart, dict) else chart.to_dict()
        spec_s = time.perf_counter() - start
        bundle = render.render(spec)
        result["charts"][name] = {
            "spec_s": spec_s,
            "total_s": time.perf_counter() - start,
            "spec_bytes": len(json.dumps(bundle[render.MIME_TYPE]["spec"])),
        }
    result["peak_mib"] = rss_mib()
    return result


def measure_in_subprocess(data_dir: Path, charts: list[str], python: str = sys.executable,
                          env: dict[str, str] | None = None, timeout: float = 900) -> dict[str, Any]:
    """Run :func:`measure` in a fresh interpreter and return its JSON result."""
    cmd = [python, str(Path(__file__).resolve()), str(data_dir)]
    for chart in charts:
        cmd += ["--chart", chart]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"national measurement failed on {data_dir}:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--chart", action="append", default=[], help="extra chart function, module:function")
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.data_dir, list(dict.fromkeys(CHART_FUNCTIONS + args.chart)))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
