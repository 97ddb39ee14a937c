"""Session persistence: atomic writes that survive crashes, damaged files set aside, never lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pairtui.core.session import SCHEMA_VERSION, ChunkStatus, Phase, Session, new_session
from pairtui.core.store import SessionStore
from pairtui.errors import StateError
from tests.conftest import git

PLAN = "# Goal: g\n\n## Chunk 1: One\nVerify: pytest -q\n\n## Chunk 2: Two\n"
FAKE_KEY = "sk-ant-api03-" + "A1b2C3d4" * 6


def make_session(now: float = 1_795_000_000, goal: str = "g") -> Session:
    return new_session(goal, "anthropic:big", "anthropic:fast", now=now).with_plan(PLAN)


@pytest.fixture
def store(git_repo: Path) -> SessionStore:
    return SessionStore(git_repo / ".git")


def test_save_then_load_gives_back_the_same_session(store: SessionStore):
    session = (
        make_session()
        .approve()
        .advance(1, ChunkStatus.EXECUTING)
        .record_checkpoint(1, "start", "c0")
    )
    store.save(session)
    assert store.load(session.id) == session


def test_files_live_in_the_git_dir_and_the_working_tree_stays_clean(
    git_repo: Path, store: SessionStore
):
    session = make_session()
    store.save(session)
    directory = git_repo / ".git" / "pairtui" / "sessions" / session.id
    assert store.session_dir(session.id) == directory
    assert (directory / "plan.md").read_text() == PLAN
    assert json.loads((directory / "state.json").read_text())["schema_version"] == SCHEMA_VERSION
    assert git(git_repo, "status", "--porcelain") == ""


def test_repeated_saves_replace_the_files_and_leave_no_temp_files(store: SessionStore):
    session = make_session()
    store.save(session)
    store.save(session.approve())
    assert store.load(session.id).phase is Phase.EXECUTING
    assert sorted(p.name for p in store.session_dir(session.id).iterdir()) == [
        "plan.md",
        "state.json",
    ]


def test_failure_between_write_and_rename_keeps_the_old_state(store: SessionStore, monkeypatch):
    session = make_session()
    store.save(session)

    def crash(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(StateError, match="could not save session .*No space left"):
        store.save(session.approve())
    monkeypatch.undo()
    assert store.load(session.id) == session
    assert sorted(p.name for p in store.session_dir(session.id).iterdir()) == [
        "plan.md",
        "state.json",
    ]


def test_process_killed_between_write_and_rename_keeps_the_old_state(
    git_repo: Path, store: SessionStore
):
    script = textwrap.dedent(
        """
        import os, signal, sys
        from pathlib import Path
        from pairtui.core.session import new_session
        from pairtui.core.store import SessionStore
        store = SessionStore(Path(sys.argv[1]))
        plan = "# Goal: g\\n\\n## Chunk 1: One\\n"
        session = new_session("g", "p", "e", now=0).with_plan(plan)
        store.save(session)
        print(session.id, flush=True)
        os.replace = lambda src, dst: os.kill(os.getpid(), signal.SIGKILL)
        store.save(session.approve())
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(git_repo / ".git")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == -9, out.stderr
    session_id = out.stdout.strip()
    loaded = store.load(session_id)
    assert loaded.phase is Phase.PLANNING
    store.save(loaded.approve())  # a leftover temp file does not get in the way
    assert store.load(session_id).phase is Phase.EXECUTING


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda text: text[: len(text) // 2], "not valid JSON"),
        (lambda text: "", "not valid JSON"),
        (lambda text: "\udcff", "not valid JSON"),
        (lambda text: '{"schema_version": 1, "id": "x"}', "malformed"),
        (lambda text: "[]", "malformed"),
    ],
    ids=["truncated", "empty", "not-utf8", "missing-fields", "not-an-object"],
)
def test_damaged_state_is_set_aside_and_reported_never_overwritten(
    store: SessionStore, damage, reason
):
    session = make_session()
    store.save(session)
    state = store.session_dir(session.id) / "state.json"
    damaged = damage(state.read_text()).encode("utf-8", "surrogateescape")
    state.write_bytes(damaged)

    with pytest.raises(StateError) as caught:
        store.load(session.id)
    message = str(caught.value)
    assert f"session {session.id}: state.json is damaged" in message and reason in message
    assert "\n" not in message
    asides = list(state.parent.glob("state.json.corrupt-*"))
    assert len(asides) == 1 and asides[0].read_bytes() == damaged
    assert str(asides[0]) in message
    assert not state.exists()
    with pytest.raises(StateError, match="no saved session"):
        store.load(session.id)


def test_second_corruption_is_set_aside_beside_the_first(store: SessionStore):
    session = make_session()
    for _ in range(2):
        store.save(session)
        (store.session_dir(session.id) / "state.json").write_text("{")
        with pytest.raises(StateError):
            store.load(session.id)
    assert len(list(store.session_dir(session.id).glob("state.json.corrupt-*"))) == 2


def test_state_from_a_newer_pairtui_is_refused_but_left_in_place(store: SessionStore):
    session = make_session()
    store.save(session)
    state = store.session_dir(session.id) / "state.json"
    data = json.loads(state.read_text()) | {"schema_version": SCHEMA_VERSION + 1}
    state.write_text(json.dumps(data))
    with pytest.raises(StateError, match="newer pairtui"):
        store.load(session.id)
    assert state.exists() and not list(state.parent.glob("*.corrupt-*"))


def test_open_session_is_the_newest_one_not_done(store: SessionStore):
    assert store.open_session() is None
    old = make_session(now=1_000_000_000, goal="old")
    done = make_session(now=1_900_000_000, goal="done").approve()
    done = done.advance(1, ChunkStatus.ROLLED_BACK).advance(2, ChunkStatus.ROLLED_BACK)
    assert done.phase is Phase.DONE
    middle = make_session(now=1_500_000_000, goal="middle")
    for session in (old, done, middle):
        store.save(session)
    assert store.list_sessions() == [done.id, middle.id, old.id]
    assert store.open_session() == middle


def test_damaged_newest_session_is_reported_then_the_next_one_opens(store: SessionStore):
    older, newer = make_session(now=1_000_000_000), make_session(now=1_100_000_000)
    store.save(older)
    store.save(newer)
    (store.session_dir(newer.id) / "state.json").write_text('{"trunc')
    with pytest.raises(StateError, match="damaged"):
        store.open_session()
    assert store.open_session() == older


@pytest.mark.parametrize("bad_id", ["../escape", "", "a/b", ".hidden"])
def test_session_ids_cannot_reach_outside_the_store(store: SessionStore, bad_id: str):
    with pytest.raises(StateError, match="not a session id"):
        store.session_dir(bad_id)


def test_transcript_is_jsonl_with_secrets_redacted(git_repo: Path):
    store = SessionStore(git_repo / ".git", secrets=["my-local-proxy-token-123", None])
    session = make_session()
    store.append_transcript(session.id, {"text": f"key is {FAKE_KEY}", "n": 1})
    store.append_transcript(
        session.id, {"headers": {"x-api-key": "abc"}, "note": "my-local-proxy-token-123"}
    )
    raw = (store.session_dir(session.id) / "transcript.jsonl").read_text()
    assert FAKE_KEY not in raw and "my-local-proxy-token-123" not in raw and "abc" not in raw
    assert len(raw.splitlines()) == 2
    assert store.read_transcript(session.id) == [
        {"text": "key is [redacted]", "n": 1},
        {"headers": {"x-api-key": "[redacted]"}, "note": "[redacted]"},
    ]


def test_transcript_line_cut_short_by_a_crash_is_skipped(store: SessionStore):
    store.append_transcript("s1", {"a": 1})
    with open(store.session_dir("s1") / "transcript.jsonl", "a") as handle:
        handle.write('{"b": ')
    assert store.read_transcript("s1") == [{"a": 1}]
    assert store.read_transcript("never") == []


def test_state_file_never_contains_a_key_that_was_only_in_the_transcript(store: SessionStore):
    session = make_session()
    store.append_transcript(session.id, {"text": FAKE_KEY})
    store.save(session)
    for path in store.session_dir(session.id).iterdir():
        assert FAKE_KEY not in path.read_text()
