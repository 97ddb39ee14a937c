"""Start-up to first paint: the app `pairtui demo` opens vs a bare Textual hello-world app.

Each run is a fresh interpreter (imports included), headless, timed by the parent from spawn
until the child's first frame is produced. The pairtui app paints its header first and mounts
the panes a frame later; the second line reports when every pane is mounted and laid out.
DESIGN.md's targets: first paint <= 1.0x the hello-world app, every pane ready <= 1.3x.
The demo repo is prepared once, before timing: the figure is the app's start-up, not the copy
of the demo files. pairtui's modules are byte-compiled first, as Textual's are in site-packages
(and as any install or second run has them): with PYTHONDONTWRITEBYTECODE set, an editable
checkout would otherwise compile every module in every run, which no user start pays.
Prints `name  value  reference  ratio`: medians of RUNS in milliseconds, and the median of the
run-by-run ratios (each pair back to back, in turns). The same in CPU time follows, for
information: it holds steady on a loaded machine. Start-up runs on one thread, so on a quiet
machine its CPU time is its wall time, save that the panes wait for Textual's next frame tick
(up to 1/60 s) after they mount, which only the wall-clock line counts.

    .venv/bin/python benchmarks/startup_bench.py
"""

from __future__ import annotations

import compileall
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 15

# Both children report their first frame the same way: the first time Textual hands the
# compositor's output to the display (headless runs skip the terminal write itself). Each
# marker line carries the child's CPU seconds so far too.
FIRST_FRAME_HOOK = """
import time as _time
import textual.app as _textual_app
_display = _textual_app.App._display
_painted = []

def _hooked(self, screen, renderable):
    if renderable is not None and not _painted:
        _painted.append(True)
        print("PAINTED", _time.process_time(), flush=True)
    return _display(self, screen, renderable)

_textual_app.App._display = _hooked
"""

HELLO = FIRST_FRAME_HOOK + """
from textual.app import App
from textual.widgets import Static

class Hello(App):
    def compose(self):
        yield Static("Hello, world")
    def on_mount(self):
        self.call_after_refresh(self.exit)

Hello().run(headless=True, size=(120, 40))
"""

PAIRTUI = FIRST_FRAME_HOOK + """
import sys
import time
from pathlib import Path
from pairtui.ui.app import PairApp

repo = Path(sys.argv[1])

class Timed(PairApp):
    def on_workspace_ready(self):
        super().on_workspace_ready()
        print("READY", time.process_time(), flush=True)  # every pane mounted and laid out
        self.exit()

def open_pairing(sink, goal, ask):
    from pairtui.commands.demo import demo_config
    from pairtui.agent.flow import Pairing
    return Pairing.open(repo, demo_config(repo), sink, goal=goal, ask_permission=ask)

Timed(open_pairing, "Put the shop's pricing rules in one place",
      planner="replay:planner", executor="replay:executor").run(headless=True, size=(120, 40))
"""


def time_child(code: str, *args: str) -> dict[str, float]:
    """Seconds from spawn to each marker line the child prints (PAINTED, READY), and the
    child's CPU seconds at each (`cpu PAINTED`, `cpu READY`)."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    marks: dict[str, float] = {}
    for line in proc.stdout:
        name, _, cpu = line.strip().partition(" ")
        if name not in marks:
            marks[name] = time.perf_counter() - started
            marks[f"cpu {name}"] = float(cpu or "nan")
    if proc.wait() != 0 or "PAINTED" not in marks:
        raise SystemExit(f"child failed (exit {proc.returncode})")
    return marks


def paired(ours: list[float], ref: list[float]) -> tuple[float, float, float]:
    """Median and quartiles of the run-by-run ratios: each pair ran back to back, so a load
    spike on the shared machine hits both of its runs rather than one side's median."""
    ratios = sorted(o / r for o, r in zip(ours, ref, strict=True))
    q1, _, q3 = statistics.quantiles(ratios, n=4)
    return statistics.median(ratios), q1, q3


def main() -> None:
    import pairtui
    from pairtui.commands.demo import prepare_demo_repo

    compileall.compile_dir(Path(pairtui.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory(prefix="pairtui-startup-") as tmp:
        repo = prepare_demo_repo(str(Path(tmp) / "demo"))
        time_child(HELLO)  # warm the file cache for both
        time_child(PAIRTUI, str(repo))
        hello: list[dict[str, float]] = []
        ours: list[dict[str, float]] = []
        for run in range(RUNS):  # interleaved, in turns, so machine load hits both alike
            if run % 2 == 0:
                hello.append(time_child(HELLO))
            ours.append(time_child(PAIRTUI, str(repo)))
            if run % 2 == 1:
                hello.append(time_child(HELLO))
    print(f"{'name':<32}{'value':>10}{'reference':>12}{'ratio':>8}")
    rows = (("startup_first_paint_ms", "PAINTED", "target <= 1.00"),
            ("startup_all_panes_ready_ms", "READY", "target <= 1.30"),
            ("startup_first_paint_cpu_ms", "cpu PAINTED", "for information: CPU time"),
            ("startup_all_panes_ready_cpu_ms", "cpu READY", "for information: CPU time"))
    for name, mark, note in rows:
        ref = [h[mark.replace("READY", "PAINTED")] for h in hello]
        values = [o[mark] for o in ours]
        ratio, q1, q3 = paired(values, ref)
        print(f"{name:<32}{statistics.median(values) * 1000:>10.0f}"
              f"{statistics.median(ref) * 1000:>12.0f}{ratio:>8.2f}"
              f"   ({note}; middle half of the runs {q1:.2f}-{q3:.2f})")

if __name__ == "__main__":
    main()
