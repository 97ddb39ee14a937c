"""What a reopened session brings back: its transcript as pane events, its review marks."""

from __future__ import annotations

from pairtui.agent.events import ModelText, ToolFinished, ToolStarted
from pairtui.agent.session_history import (
    EarlierStep,
    hunk_key,
    load_marks,
    save_marks,
    transcript_events,
)
from pairtui.diff.model import DiffLine, Hunk


def test_transcript_records_become_the_panes_events_with_a_divider_per_model():
    records = [
        {"kind": "assistant", "model": "replay:/a/planner.jsonl", "text": "Plan.", "thinking": "hm",
         "tool_calls": [{"id": "c1", "name": "read_file", "arguments": {"path": "a.py"}}]},
        {"kind": "tool_result", "id": "c1", "name": "read_file", "is_error": False, "content": "x"},
        {"kind": "checkpoint", "id": "s/1-start", "step": "start"},
        {"kind": "assistant", "model": "replay:/a/executor.jsonl", "text": "Done.", "tool_calls": []},
    ]
    assert transcript_events(records) == [
        EarlierStep("replay:planner"), ModelText("hm", thinking=True), ModelText("Plan."),
        ToolStarted("c1", "read_file", "read_file a.py"),
        ToolFinished("c1", "read_file", "x", False),
        EarlierStep("replay:executor"), ModelText("Done."),
    ]


def test_marks_round_trip_per_chunk_and_follow_the_hunk_not_its_position(tmp_path):
    lines = (DiffLine(" ", b"a", 1, 1), DiffLine("-", b"b", 2, None), DiffLine("+", b"c", None, 2))
    here = Hunk(1, 2, 1, 2, "", lines)
    moved = Hunk(40, 2, 41, 2, "def f():", lines)
    assert hunk_key("x.py", here) == hunk_key("x.py", moved)
    assert hunk_key("x.py", here) != hunk_key("y.py", here)
    save_marks(tmp_path, 1, {hunk_key("x.py", here): "accepted", "bad": "nonsense"})
    save_marks(tmp_path, 2, {"k": "rejected"})
    assert load_marks(tmp_path, 1) == {hunk_key("x.py", here): "accepted"}
    assert load_marks(tmp_path, 2) == {"k": "rejected"}
    assert load_marks(tmp_path, 3) == {}
    (tmp_path / "review-marks.json").write_text("{trunc")
    assert load_marks(tmp_path, 1) == {}, "a damaged file is no marks, never a crash"


def test_two_turns_of_text_in_a_row_stay_two_paragraphs():
    """A turn that ended in words, then the next turn's words (a hunk comment's answer): they
    were glued into one sentence on reopening ("...coupons.Agreed, ...")."""
    records = [
        {"kind": "assistant", "model": "replay:x", "text": "Refunds reject unknown coupons."},
        {"kind": "assistant", "model": "replay:x", "text": "Agreed, the README says so."},
    ]
    events = transcript_events(records)
    assert events[1:] == [ModelText("Refunds reject unknown coupons."),
                          ModelText("\n\nAgreed, the README says so.")]
