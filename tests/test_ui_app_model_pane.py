"""The model pane: streamed text kept whole and in order, blocks cut only outside code fences,
tool calls as one-liners that expand."""

from __future__ import annotations

from textual.app import App, ComposeResult

from pairtui.agent.events import ModelText, ToolStarted
from pairtui.ui.event_inbox import EventInbox
from pairtui.ui.widgets.markdown_text import MarkdownText, split_blocks
from pairtui.ui.widgets.model_pane import ModelPane, ToolEntry


class PaneApp(App):
    def compose(self) -> ComposeResult:
        yield ModelPane(id="pane")


def test_blank_lines_inside_a_code_fence_do_not_end_the_block():
    lines = ["Intro", "", "```python", "a = 1", "", "b = 2", "```", "", "After"]
    finished, still_open, in_fence = split_blocks([], lines, False)
    assert finished == [["Intro"], ["```python", "a = 1", "", "b = 2", "```"]]
    assert still_open == ["After"] and not in_fence


def test_fence_state_carries_across_appends():
    text = MarkdownText()
    for piece in ("```\nx = 1\n", "\n", "y = 2\n```\n\nnext\n"):
        text.append(piece)
    assert text._done == ["```\nx = 1\n\ny = 2\n```"]
    assert text.source == "```\nx = 1\n\ny = 2\n```\n\nnext\n"


async def test_thousands_of_deltas_arrive_whole_and_in_order():
    answer = "".join(f"## Part {i}\n\nSome `code` and **bold** text {i}.\n\n" for i in range(300))
    app = PaneApp()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(ModelPane)
        for i in range(0, len(answer), 3):
            pane.write(answer[i:i + 3])
        pane.write("thinking about it", thinking=True)
        pane.write("\nthe end")
        while pane.pending:
            await pilot.pause(0.02)
        await pilot.pause()
        texts = [t.source for t in pane.query(MarkdownText)]
        assert texts == [answer, "\nthe end"]
        assert "thinking about it" in str(pane.query_one(".thinking").render())
        assert pane.max_scroll_y > 0 and pane.scroll_y == pane.max_scroll_y, "follows the end"


async def test_tool_call_is_one_line_and_expands_on_click():
    app = PaneApp()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(ModelPane)
        pane.tool_started("c1", "edit_file", "edit_file shop/cart.py")
        pane.tool_finished("c1", "edited shop/cart.py (+2 -1)", False)
        await pane.flush()
        await pilot.pause()
        entry = pane.query_one(ToolEntry)
        result = entry.query_one("#tool-result")
        assert entry.region.height == 1 and not result.display
        await pilot.click(ToolEntry)
        await pilot.pause()
        assert result.display and "edited shop/cart.py" in str(result.render())


def _rendered_text(widget: MarkdownText) -> list[str]:
    return [widget.render_line(y).text.rstrip() for y in range(widget.size.height)]


async def test_a_long_fenced_block_streams_every_line_once_in_order():
    code = [f"value_{i} = compute({i})  # line {i}" for i in range(400)]
    answer = "Here it is:\n\n```python\n" + "\n".join(code) + "\n```\n\nDone.\n"
    app = PaneApp()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(ModelPane)
        for i in range(0, len(answer), 7):
            pane.write(answer[i:i + 7])
            if i % 700 == 0:  # let flushes and redraws happen mid-fence
                await pilot.pause(0.05)
                segment = pane.query(MarkdownText)
                if segment:
                    _rendered_text(segment.first())
        while pane.pending:
            await pilot.pause(0.02)
        await pilot.pause()
        streamed = pane.query_one(MarkdownText)
        shown = [line for line in _rendered_text(streamed) if "value_" in line]
        assert [line.strip() for line in shown] == code
        assert _rendered_text(streamed)[-1].strip() == "Done."
        whole = MarkdownText(answer)  # the same answer in one append: rendered in one piece
        await pane.mount(whole)
        while pane.pending:  # a long block is drawn over several steps
            await pilot.pause(0.02)
        await pilot.pause()
        assert [whole.render_line(y) for y in range(whole.size.height)] == [
            streamed.render_line(y) for y in range(streamed.size.height)
        ], "streamed pieces look exactly like one render of the block"


async def test_long_thinking_is_drawn_whole_and_in_order():
    thinking = "".join(f"thought {i}: weigh the coupon rule\n" for i in range(400)) + "so: done"
    app = PaneApp()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(ModelPane)
        for i in range(0, len(thinking), 50):
            pane.write(thinking[i:i + 50], thinking=True)
            if i % 1000 == 0:
                await pilot.pause(0.05)
        while pane.pending:
            await pilot.pause(0.02)
        await pilot.pause()
        pieces = list(pane.query(".thinking"))
        assert len(pieces) > 1, "a long thought is cut into pieces"
        assert "\n".join(str(piece.render()) for piece in pieces) == thinking
        assert sum(piece.size.height for piece in pieces) == thinking.count("\n") + 1, (
            "pieces stack like one block: no blank line where one is cut")


async def test_inbox_merges_runs_of_same_kind_text_and_keeps_order():
    batches: list[list] = []
    app = PaneApp()
    async with app.run_test(size=(100, 30)):
        inbox = EventInbox(app, batches.append)
        tool = ToolStarted("c1", "read_file", "read_file a.py")
        for event in (ModelText("a"), ModelText("b"), ModelText("c", True), ModelText("d", True),
                      tool, ModelText("e"), ModelText("f"), ModelText("g")):
            inbox.put(event)
        inbox.drain()
    assert batches[0] == [ModelText("ab"), ModelText("cd", True), tool, ModelText("efg")]
