"""Where a benchmark's figures go besides the terminal: bench/results/NAME.json, read by the documentation's results page."""
import datetime
import json
import os
import platform
import sys
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


def machine() -> str:
    "The CPU model, its core count and the Python version: what the figures were measured on."
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"): model = line.split(":", 1)[1].strip(); break
    except OSError: pass
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}"


def save_results(name: str, title: str, rows: list, note: str = "") -> Path:
    "Write the rows (dicts of plain values, one per table row) with the command, the date and the machine."
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    data = {"title": title, "command": "python " + " ".join(["bench/" + Path(sys.argv[0]).name] + sys.argv[1:]),
            "date": datetime.date.today().isoformat(), "machine": machine(), "note": note, "rows": rows}
    staging = path.with_name(f".{path.name}.{os.getpid()}.tmp") # atomic: a reader (or a second bench) never sees half a file
    staging.write_text(json.dumps(data, indent=1) + "\n")
    os.replace(staging, path)
    return path


def load_rows(name: str) -> list:
    "The rows of bench/results/NAME.json, or none if it does not exist yet."
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text())["rows"] if path.exists() else []
