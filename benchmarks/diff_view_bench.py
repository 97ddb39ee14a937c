"""DiffView on a 10,000-line change over 50 files: first paint, page scroll, next-hunk jump.

Reference, measured in the same run: Textual's read-only TextArea showing the same patch text.
"First paint" is the time from mounting the widget (diff already parsed) until the last
visible row has been painted by the compositor. Scroll/jump are the widget's cost per frame:
the scroll itself plus painting every row of the new screen (what the compositor asks for).

Run: .venv/bin/python benchmarks/diff_view_bench.py
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from textual.app import App
from textual.containers import Container
from textual.widgets import TextArea

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pairtui.diff.parse import read_patch  # noqa: E402
from pairtui.ui.widgets.diff_files import DiffReview  # noqa: E402
from pairtui.ui.widgets.diff_view import DiffView  # noqa: E402

SIZE = (160, 45)
FILES, LINES, CHANGES = 50, 400, 100  # 100 changed lines a file: 10,000 -/+ lines in all


def make_patch_bytes(root: Path) -> bytes:
    """A real git diff: 50 Python files, each with 100 lines edited in 20 clusters."""
    def run(*args: str) -> bytes:
        return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True).stdout

    run("init", "-q", "-b", "main")
    for f in range(FILES):
        body = [f"def func_{f}_{i}(value):  # helper {i}\n    return value * {i} + {f}\n"
                for i in range(LINES // 2)]
        (root / f"module_{f:02d}.py").write_text("".join(body))
    run("add", "-A")
    run("-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "base")
    for f in range(FILES):
        path = root / f"module_{f:02d}.py"
        lines = path.read_text().splitlines(keepends=True)
        for k in range(CHANGES // 2):
            i = (k // 5) * 40 + (k % 5) * 2 + 1  # 10 clusters of 5 edited function bodies
            lines[i] = lines[i].replace("value *", "(value + 1) *").replace("+ ", "- ", 1)
        for k in range(CHANGES // 2):
            i = (k // 5) * 40 + 20 + (k % 5) * 2
            lines[i] = lines[i].replace("# helper", "# renamed helper")
        path.write_text("".join(lines))
    return run("diff", "--histogram")


class Bench(App):
    def compose(self):
        yield Container(id="host")


def _instrument(cls):
    """A subclass recording when each row is painted."""
    class Timed(cls):  # type: ignore[misc, valid-type]
        painted: list[tuple[float, int]] = []

        def render_line(self, y: int):
            strip = super().render_line(y)
            Timed.painted.append((time.perf_counter(), y))
            return strip

    return Timed


async def _first_paint(app: Bench, pilot, make, cls) -> float:
    cls.painted = []
    host = app.query_one("#host")
    await host.remove_children()
    await pilot.pause()
    t0 = time.perf_counter()
    await host.mount(make())
    last = SIZE[1] - 4
    deadline = t0 + 10.0  # bounded in time, not in loop turns: a loaded machine needs more turns
    while not any(y >= last for _, y in cls.painted) and time.perf_counter() < deadline:
        await asyncio.sleep(0)
    return max(t for t, _ in cls.painted) - t0


def _frame_cost(view: DiffView, change) -> float:
    """Widget cost of one frame: the change plus painting every visible row afresh."""
    t0 = time.perf_counter()
    change()
    for y in range(view.scrollable_content_region.height):
        view.render_line(y)
    return time.perf_counter() - t0


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = make_patch_bytes(Path(tmp))
    t0 = time.perf_counter()
    patch = read_patch(data)
    parse_s = time.perf_counter() - t0
    changed = sum(f.added + f.removed for f in patch.files)
    hunks = len(patch.hunk_refs())
    text = data.decode()
    TimedArea = _instrument(TextArea)
    TimedView = _instrument(DiffView)

    class TimedReview(DiffReview):
        def compose(self):
            from pairtui.ui.widgets.diff_files import DiffFileList

            yield DiffFileList()
            yield TimedView(self._patch)

    app = Bench()
    async with app.run_test(size=SIZE) as pilot:
        area_s, nowrap_s, view_s, review_s = [], [], [], []
        for _ in range(5):
            area_s.append(await _first_paint(app, pilot, lambda: TimedArea(text, read_only=True),
                                             TimedArea))
            nowrap_s.append(await _first_paint(
                app, pilot, lambda: TimedArea(text, read_only=True, soft_wrap=False), TimedArea))
            view_s.append(await _first_paint(app, pilot, lambda: TimedView(patch), TimedView))
            review_s.append(await _first_paint(app, pilot, lambda: TimedReview(patch),
                                               TimedView))
        view = app.query_one(DiffView)
        t0 = time.perf_counter()
        while view.highlight_pending:
            await asyncio.sleep(0.001)
        colours_s = time.perf_counter() - t0 + review_s[-1]
        await pilot.pause()
        height = view.scrollable_content_region.height
        scrolls, jumps = [], []
        for _ in range(40):
            scrolls.append(_frame_cost(view, lambda: view.scroll_to(
                y=view.scroll_offset.y + height, animate=False, immediate=True)))
            jumps.append(_frame_cost(view, view.action_next_hunk))
            await pilot.pause()
    area, nowrap, first, review = (statistics.median(x) * 1000
                                   for x in (area_s, nowrap_s, view_s, review_s))
    scroll, jump = (statistics.median(x) * 1000 for x in (scrolls, jumps))
    worst = max(max(scrolls), max(jumps)) * 1000
    p95 = statistics.quantiles(scrolls + jumps, n=20)[-1] * 1000
    if "-v" in sys.argv:
        print("scrolls", [round(x * 1000, 1) for x in scrolls])
        print("jumps", [round(x * 1000, 1) for x in jumps])
    print(f"# patch: {len(patch.files)} files, {hunks} hunks, {changed} changed lines, "
          f"{len(text.splitlines())} patch lines; parse {parse_s * 1000:.1f} ms")
    print(f"{'name':34} {'value':>10} {'reference':>12} {'ratio':>7}")
    print(f"{'first paint DiffView (ms)':34} {first:10.1f} {area:12.1f} {first / area:7.2f}")
    print(f"{'first paint DiffReview+files (ms)':34} {review:10.1f} {area:12.1f} "
          f"{review / area:7.2f}")
    print(f"{'first paint vs TextArea no wrap':34} {review:10.1f} {nowrap:12.1f} "
          f"{review / nowrap:7.2f}")
    print(f"{'first paint vs 300 ms budget':34} {review:10.1f} {300:12.1f} {review / 300:7.2f}")
    print(f"{'first screen with syntax colours':34} {colours_s * 1000:10.1f} {300:12.1f} "
          f"{colours_s * 1000 / 300:7.2f}")
    print(f"{'scroll one page, median (ms)':34} {scroll:10.2f} {16:12.1f} {scroll / 16:7.2f}")
    print(f"{'next hunk jump, median (ms)':34} {jump:10.2f} {16:12.1f} {jump / 16:7.2f}")
    print(f"{'p95 scroll/jump frame (ms)':34} {p95:10.2f} {16:12.1f} {p95 / 16:7.2f}")
    print(f"{'worst scroll/jump frame (ms)':34} {worst:10.2f} {16:12.1f} {worst / 16:7.2f}")


if __name__ == "__main__":
    asyncio.run(main())
