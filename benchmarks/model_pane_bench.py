"""Model pane streaming: tokens/s through a 200 KB markdown answer, vs Textual's MarkdownStream.

Both get the same ~4-character tokens, in bursts of 32 with a 1 ms pause between (faster than
any hosted model streams). ModelPane.write() only queues (a timer flushes every ~40 ms into
MarkdownText, which draws in short steps of its own); the reference is a Markdown widget fed
through MarkdownStream.write() per token, as Textual's docs show. Time runs until the whole
answer is on screen (the reference gets a time budget: see below). Also reported: the longest
event-loop stall while streaming (a key press waits that long). A second case streams one
2,000-line ```python block (a block stays open while its fence is, so this is the worst case
for "render only the open block"). Prints `name  value  reference  ratio` against DESIGN.md's
targets (>= 10,000 tokens/s; no stall over 33 ms); `--runs N` streams our side N times more,
since one run on a shared machine says little: each run also prints the load average and its
figures in CPU time (tokens per CPU second; the most CPU the event loop spent between two
heartbeats), which a busy machine does not inflate.

    .venv/bin/python benchmarks/model_pane_bench.py [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import time

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown

from pairtui.ui.widgets.markdown_text import MarkdownText
from pairtui.ui.widgets.model_pane import ModelPane

TARGET_BYTES = 200_000
BURST = 32
PAUSE_S = 0.001  # between bursts: at most ~30,000 tokens/s offered, in network-like chunks
REFERENCE_BUDGET_S = 30.0  # MarkdownStream needs ~10 minutes for the whole answer
FENCE_LINES = 2_000
FENCE_REFERENCE_BUDGET_S = 15.0
TARGET_TOKENS_PER_S = 10_000  # DESIGN.md, performance targets: model pane
STALL_BUDGET_S = 0.033


def make_answer(target: int = TARGET_BYTES) -> str:
    """Deterministic markdown like a long model answer: prose, lists, code, tables."""
    parts, size, i = [], 0, 0
    while size < target:
        part = (
            f"## Step {i}: adjust the pricing rules\n\n"
            f"The function `price_{i}` applies **tier discounts** before VAT, and the coupon "
            f"table is read once per call; see [the notes](https://example.com/{i}). "
            "Rounding is half-up to the penny, so totals never drift.\n\n"
            f"- keep `discount_rate` pure\n- move the table into `pricing.py`\n"
            f"- test the boundary at {i}.00 exactly\n\n"
            f"```python\ndef price_{i}(amount: Decimal) -> Decimal:\n"
            f"    rate = discount_rate(customer, amount)\n"
            f"    return (amount * (1 - rate)).quantize(PENNY)  # step {i}\n```\n\n"
            "| tier | rate |\n|------|------|\n| member | 5% |\n| wholesale | 8% |\n\n"
        )
        parts.append(part)
        size += len(part)
        i += 1
    return "".join(parts)


def make_fence(lines: int = FENCE_LINES) -> str:
    """One long fenced Python block, as a model writing a whole module would send it."""
    body = []
    for i in range(lines // 4):
        body += [f"def price_{i}(amount: Decimal) -> Decimal:",
                 f'    """Tier {i}: discount before VAT."""',
                 f"    return (amount * RATE[{i % 7}]).quantize(PENNY)  # step {i}", ""]
    return "Here is the module:\n\n```python\n" + "\n".join(body[:lines]) + "\n```\n\nDone.\n"


def tokenize(text: str) -> list[str]:
    return [text[i:i + 4] for i in range(0, len(text), 4)]


class Stall:
    """Measures the longest gap between ticks of a 5 ms heartbeat on the event loop, in wall
    time, and the most CPU time the loop's thread spent between two ticks (on a shared
    machine, wall time adds the wait for a free core; the CPU figure does not)."""

    def __init__(self) -> None:
        self.worst = 0.0
        self.worst_cpu = 0.0
        self._task: asyncio.Task | None = None

    async def _beat(self) -> None:
        last, last_cpu = time.perf_counter(), time.thread_time()
        while True:
            await asyncio.sleep(0.005)
            now, cpu = time.perf_counter(), time.thread_time()
            self.worst = max(self.worst, now - last - 0.005)
            self.worst_cpu = max(self.worst_cpu, cpu - last_cpu)
            last, last_cpu = now, cpu

    def __enter__(self) -> Stall:
        self._task = asyncio.get_running_loop().create_task(self._beat())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()


class PaneApp(App):
    def compose(self) -> ComposeResult:
        yield ModelPane(id="pane")


class StreamApp(App):
    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(id="md")


async def run_model_pane(tokens: list[str], answer: str) -> tuple[float, Stall, float]:
    """(seconds until all is on screen, the heartbeat's stalls, CPU seconds the process used)."""
    app = PaneApp()
    async with app.run_test(size=(120, 40)) as pilot:
        pane = app.query_one(ModelPane)
        await pilot.pause()
        started, cpu = time.perf_counter(), time.process_time()
        with Stall() as stall:
            for i, token in enumerate(tokens):
                pane.write(token)
                if i % BURST == 0:
                    await asyncio.sleep(PAUSE_S)
            while pane.pending:
                await asyncio.sleep(0.005)
            await pilot.pause()  # the last frame, with every line rendered
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        shown = "".join(segment.source for segment in pane.query(MarkdownText))
        assert shown == answer, "the model pane lost or reordered text"
    return elapsed, stall, cpu


async def run_markdown_stream(tokens: list[str], budget: float) -> tuple[int, float, float]:
    """Feed MarkdownStream until done or `budget` seconds; returns (tokens shown, s, stall)."""
    app = StreamApp()
    async with app.run_test(size=(120, 40)) as pilot:
        md = app.query_one(Markdown)
        await pilot.pause()
        started = time.perf_counter()
        fed = 0
        with Stall() as stall:
            stream = Markdown.get_stream(md)
            for token in tokens:
                await stream.write(token)
                fed += 1
                if fed % BURST == 0:
                    await asyncio.sleep(PAUSE_S)
                if fed % 256 == 0 and time.perf_counter() - started > budget:
                    break
            await stream.stop()
            async with md.lock:
                pass
            await pilot.pause()
        elapsed = time.perf_counter() - started
        assert md.source == "".join(tokens[:fed])
    return fed, elapsed, stall.worst


def verdict(tokens_per_s: float, stall: float) -> str:
    rate = "ok" if tokens_per_s >= TARGET_TOKENS_PER_S else "MISSED"
    return f"rate {rate}, stall {'ok' if stall <= STALL_BUDGET_S else 'MISSED'}"


def one_run(run: int, tokens: list[str], answer: str) -> tuple[float, float]:
    gc.collect()  # the previous run's garbage is not this run's stall
    elapsed, stall, cpu = asyncio.run(run_model_pane(tokens, answer))
    rate = len(tokens) / elapsed
    print(f"  run {run}: {rate:>8,.0f} tokens/s, worst stall {stall.worst * 1000:3.0f} ms "
          f"({verdict(rate, stall.worst)}); CPU: {len(tokens) / cpu:,.0f} tokens per CPU "
          f"second, worst stall {stall.worst_cpu * 1000:.0f} ms; "
          f"load average {os.getloadavg()[0]:.2f}")
    return rate, stall.worst


def report(label: str, tokens: list[str], answer: str, budget: float, runs: int) -> None:
    gc.collect()
    ours, stall, _ = asyncio.run(run_model_pane(tokens, answer))
    gc.collect()
    fed, ref, ref_stall = asyncio.run(run_markdown_stream(tokens, budget))
    ours_tps, ref_tps = len(tokens) / ours, fed / ref
    print(f"{label}: {len(answer):,} bytes, {len(tokens):,} tokens")
    if fed < len(tokens):
        print(f"reference stopped after {budget:.0f} s at {fed:,} tokens "
              f"({fed * 4 // 1000} KB); its rate only falls as the document grows, so this "
              "flatters it")
    print(f"{'name':<30}{'value':>12}{'reference':>12}{'ratio':>8}")
    print(f"{label + '_tokens_per_s':<30}{ours_tps:>12,.0f}{ref_tps:>12,.0f}"
          f"{ours_tps / ref_tps:>8.2f}   (target >= {TARGET_TOKENS_PER_S:,} tokens/s)")
    print(f"{label + '_worst_stall_ms':<30}{stall.worst * 1000:>12.0f}{ref_stall * 1000:>12.0f}"
          f"{stall.worst / ref_stall if ref_stall else 0:>8.2f}   "
          f"(target <= {STALL_BUDGET_S * 1000:.0f} ms: longest event-loop step)")
    if runs:
        results = [one_run(run + 1, tokens, answer) for run in range(runs)]
        rates, stalls = [r for r, _ in results], [s for _, s in results]
        print(f"  {label}: {min(rates):,.0f}-{max(rates):,.0f} tokens/s, worst stall "
              f"{min(stalls) * 1000:.0f}-{max(stalls) * 1000:.0f} ms over {runs} runs; "
              f"in the worst run: {verdict(min(rates), max(stalls))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=0, help="more runs of our side alone")
    runs = parser.parse_args().runs
    print(f"load average {os.getloadavg()[0]:.2f} (on a shared machine, figures are noisy)")
    answer = make_answer()
    report("model_pane", tokenize(answer), answer, REFERENCE_BUDGET_S, runs)
    fence = make_fence()
    report("long_fence", tokenize(fence), fence, FENCE_REFERENCE_BUDGET_S, runs)


if __name__ == "__main__":
    main()
