"""The model pane while a fast model streams: what ends on screen is exactly what one render of
each block shows, however the text was cut and however many steps drawing it took; a key press
is handled while a burst is still being drawn; the pane follows the end unless scrolled up."""

from __future__ import annotations

import gc

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Size
from textual.strip import Strip

from pairtui.ui.widgets import markdown_text, model_pane, stream_gc
from pairtui.ui.widgets.markdown_text import MarkdownText, split_blocks
from pairtui.ui.widgets.model_pane import ModelPane


class PaneApp(App):
    BINDINGS = [("k", "key", "")]

    def __init__(self) -> None:
        super().__init__()
        self.keys_seen_while_drawing: list[bool] = []

    def compose(self) -> ComposeResult:
        yield ModelPane(id="pane")

    def action_key(self) -> None:
        self.keys_seen_while_drawing.append(self.query_one(ModelPane).pending)


def prose_answer(parts: int = 40) -> str:
    return "".join(
        f"## Step {i}: adjust the pricing rules\n\n"
        f"The function `price_{i}` applies **tier discounts** before VAT; see "
        f"[the notes](https://example.com/{i}). Rounding is half-up to the penny.\n\n"
        f"- keep `discount_rate` pure\n- move the table into `pricing.py`\n\n"
        f"```python\ndef price_{i}(amount):\n    return amount * RATE  # step {i}\n```\n\n"
        "| tier | rate |\n|------|------|\n| member | 5% |\n\n"
        for i in range(parts)
    )


def fence_answer(functions: int = 60) -> str:
    """A long fence whose docstrings span many lines, so many places to cut a piece are inside
    a string (cutting there would highlight the rest of the string as code)."""
    body = []
    for i in range(functions):
        body += [f"def price_{i}(amount):", '    """Tier discount before VAT.', ""]
        body += [f"    Rule {j}: the rate for tier {i} (a string, not code)" for j in range(i % 5)]
        body += ['    """', f"    return amount * RATE[{i % 7}]  # step {i}", ""]
    return "Here is the module:\n\n```python\n" + "\n".join(body) + "\n```\n\nDone.\n"


def rows(widget: MarkdownText) -> list[Strip]:
    return [widget.render_line(y) for y in range(widget.size.height)]


def one_render_per_block(widget: MarkdownText, answer: str) -> list[Strip]:
    """The answer as Rich draws each of its blocks in one go, a blank row between blocks."""
    complete = answer.split("\n")
    partial = complete.pop()
    finished, still_open, _ = split_blocks([], complete, False)
    still_open += [partial] if partial else []
    width = widget.content_region.width
    render, packer = widget._renderer(width), widget._packer
    lines = []
    for block in finished + ([still_open] if still_open else []):
        if lines:
            lines.append(packer.blank(width))
        lines += render("\n".join(block))
    return [packer.strip(line, width).apply_style(widget.rich_style) for line in lines]


async def settle(pilot, pane: ModelPane) -> None:
    """Until nothing is left to draw, three checks running (a resize or a scrollbar appearing
    is seen only by the next layout, which then has everything to draw again)."""
    quiet = 0
    for _ in range(3000):
        quiet = quiet + 1 if not pane.pending else 0
        if quiet == 3:
            break
        await pilot.pause(0.01)
    await pilot.pause()
    assert not pane.pending


@pytest.mark.parametrize("budget", [markdown_text.RENDER_BUDGET_S, 0.0], ids=["budget", "0"])
@pytest.mark.parametrize("answer", [prose_answer(), fence_answer()], ids=["prose", "fence"])
async def test_a_streamed_answer_looks_exactly_like_the_answer_written_at_once(
    answer, budget, monkeypatch
):
    """Budget 0: every step draws one block or one piece of a fence, the most cut up drawing
    there can be; a resize midway draws everything again at the new width."""
    monkeypatch.setattr(markdown_text, "RENDER_BUDGET_S", budget)
    app = PaneApp()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(ModelPane)
        for n, i in enumerate(range(0, len(answer), 5)):
            pane.write(answer[i:i + 5])
            if n % 150 == 0:
                await pilot.pause(0.02)
            if n == len(answer) // 10:
                await pilot.resize_terminal(90, 30)
        await settle(pilot, pane)
        streamed = pane.query_one(MarkdownText)
        assert streamed.source == answer
        whole = MarkdownText(answer)
        await pane.mount(whole)
        await settle(pilot, pane)
        shown = rows(streamed)
        assert shown == one_render_per_block(streamed, answer), "as Rich draws each block"
        assert shown == rows(whole), "as the same answer written at once"


@pytest.mark.parametrize("answer", [prose_answer(30), fence_answer()[:-20]],
                         ids=["prose", "open-fence"])
async def test_a_resize_keeps_the_old_picture_until_the_new_one_replaces_it(answer, monkeypatch):
    """While everything is drawn again at the new width (the open block too: here a long fence
    still streaming), the old picture fills in below, so the height never drops (it used to,
    and the scrollbar came and went, changing the width and starting again, for ever)."""
    monkeypatch.setattr(markdown_text, "RENDER_BUDGET_S", 0.0)  # one block or piece a step
    heights: list[int] = []
    step = MarkdownText._step

    def step_and_measure(self: MarkdownText, budget: float) -> None:
        step(self, budget)
        width = self.content_region.width
        heights.append(self.get_content_height(Size(width, 0), Size(width, 0), width))

    app = PaneApp()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(ModelPane)
        pane.write(answer)
        await settle(pilot, pane)
        segment = pane.query_one(MarkdownText)
        before = segment.size.height
        monkeypatch.setattr(MarkdownText, "_step", step_and_measure)
        await pilot.resize_terminal(70, 30)
        await settle(pilot, pane)
        assert len(heights) > 20, "drawn again at the new width a block or a piece a step"
        assert min(heights) >= before, "the old picture fills in below what is drawn again"
        assert rows(segment) == one_render_per_block(segment, answer)


async def test_a_key_press_is_handled_while_a_burst_is_still_being_drawn(monkeypatch):
    monkeypatch.setattr(markdown_text, "RENDER_BUDGET_S", 0.0)  # one block a step
    answer = prose_answer(60)
    app = PaneApp()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(ModelPane)
        pane.write(answer[:2000])  # enough to show the scrollbar: no resize from here on
        await settle(pilot, pane)
        pane.write(answer[2000:])
        await pane.flush()
        await pilot.pause(0.05)
        segment = pane.query_one(MarkdownText)
        partly = rows(segment)
        await pilot.press("k")
        assert app.keys_seen_while_drawing == [True], "the key did not wait for the drawing"
        await settle(pilot, pane)
        final = rows(segment)
        assert len(partly) < len(final) and partly == final[:len(partly)], (
            "while behind, the pane shows the top of the final picture")


async def test_the_pane_follows_the_end_unless_the_person_scrolled_up():
    answer = prose_answer(30)
    half = len(answer) // 2
    app = PaneApp()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(ModelPane)
        pane.write(answer[:half])
        await settle(pilot, pane)
        assert pane.max_scroll_y > 0 and pane.scroll_y == pane.max_scroll_y, "follows the end"
        pane.focus()
        await pilot.press("home")
        await pilot.pause()
        assert pane.scroll_y == 0
        pane.write(answer[half:])
        await settle(pilot, pane)
        assert pane.scroll_y == 0, "the person's scroll position is kept while text arrives"
        await pilot.press("end")
        pane.write("\n\nMore words at the end.\n")
        await settle(pilot, pane)
        assert pane.scroll_y == pane.max_scroll_y, "back at the end, it follows again"


async def test_objects_frozen_for_a_stream_go_back_to_the_collector_when_it_is_quiet(
    monkeypatch
):
    monkeypatch.setattr(model_pane, "QUIET_SECONDS", 0.05)
    gc.unfreeze()  # a freeze left by an earlier test in this process (the review app makes one)
    app = PaneApp()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(ModelPane)
        pane.write("Some *streamed* words\n\nand more")
        assert gc.get_freeze_count() > 0, "a stream keeps old objects out of full collections"
        await settle(pilot, pane)
        await pilot.pause(0.3)
        assert gc.get_freeze_count() == 0
    assert stream_gc._holders == 0


async def test_each_block_is_drawn_as_rich_markdown_draws_it():
    """Blocks are rendered with a shared parser (Rich builds one per Markdown): the lines must
    still be Rich's own, for every kind of block."""
    from rich.console import Console
    from rich.markdown import Markdown as RichMarkdown

    samples = ["# Title", "Some *em*, **strong**, ~~struck~~ and `code`; [a link](https://x.y).",
               "- one\n- two\n  - nested", "1. first\n2. second", "> quoted words",
               "| a | b |\n|---|---|\n| 1 | 2 |", "```python\ndef f():\n    return 1\n```",
               "---"]
    app = PaneApp()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(ModelPane)
        pane.write("x")
        await settle(pilot, pane)
        widget = pane.query_one(MarkdownText)
        width = widget.content_region.width
        render, packer = widget._renderer(width), widget._packer
        console = widget._md_console
        assert isinstance(console, Console)
        options = console.options.update(width=width, height=None)
        for text in samples:
            expected = console.render_lines(RichMarkdown(text, code_theme="ansi_dark"), options)
            drawn = [list(packer.strip(line, width)) for line in render(text)]
            assert [[s for s in line if s.text] for line in drawn] == [
                [s for s in line if s.text] for line in expected], text


async def test_clearing_the_pane_mid_drawing_stops_the_drawing(monkeypatch):
    monkeypatch.setattr(markdown_text, "RENDER_BUDGET_S", 0.0)
    app = PaneApp()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(ModelPane)
        pane.write(prose_answer(60))
        await pane.flush()
        await pilot.pause(0.02)
        assert pane.pending
        await pane.clear()
        await settle(pilot, pane)
        assert not pane.query(MarkdownText)
        assert not [w for w in app.workers if w.group == "markdown-draw" and w.is_running]
        pane.write("After the clear.")
        await settle(pilot, pane)
        assert pane.query_one(MarkdownText).render_line(0).text.startswith("After the clear.")
