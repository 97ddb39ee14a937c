"""`pairtui` on a repo with an open session resumes it with the models it was started with."""

from __future__ import annotations

import argparse

import pytest

from pairtui.commands.open import model_flags
from pairtui.core.session import new_session
from pairtui.core.store import SessionStore
from pairtui.errors import StateError


def _args(**given) -> argparse.Namespace:
    return argparse.Namespace(**{"goal": None, "planner": None, "executor": None, **given})


def test_resume_keeps_the_sessions_models_and_flags_override_them(git_repo):
    git_dir = git_repo / ".git"
    assert model_flags(_args(), git_dir) == {}  # no session yet: config decides
    SessionStore(git_dir).save(new_session("g", "replay:/p.jsonl", "replay:/e.jsonl"))
    assert model_flags(_args(), git_dir) == {"planner": "replay:/p.jsonl",
                                             "executor": "replay:/e.jsonl"}
    assert model_flags(_args(executor="openai:gpt-5"), git_dir) == {
        "planner": "replay:/p.jsonl", "executor": "openai:gpt-5"}
    assert model_flags(_args(goal="new work"), git_dir) == {}  # a new session: config decides


def test_a_damaged_session_file_is_reported_in_one_line_and_set_aside(git_repo):
    store = SessionStore(git_repo / ".git")
    session = new_session("g", "replay:/p.jsonl", "replay:/e.jsonl")
    store.save(session)
    (store.session_dir(session.id) / "state.json").write_text("{trunc")
    with pytest.raises(StateError) as err:
        model_flags(_args(), git_repo / ".git")
    assert "\n" not in err.value.message
    assert model_flags(_args(), git_repo / ".git") == {}  # next time the app opens normally
    assert list(store.session_dir(session.id).glob("state.json.corrupt-*"))
