"""A scripted stand-in for the engine, so the app's screens can be driven deterministically.

FakePairing speaks the same methods and FlowEvents as pairtui.agent.flow.Pairing, with fixed
ids, times and texts; `delay` paces streamed text so cancellation can be tested.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from pairtui.agent import events as ev
from pairtui.core.plan import Chunk, Plan
from pairtui.core.session import ChunkState, ChunkStatus, Phase, Session
from pairtui.diff.model import DiffLine, FileDiff, FileStatus, Hunk, Patch
from pairtui.errors import PlanError
from pairtui.git.checkpoints import Checkpoint
from pairtui.git.land import LandResult

PLAN_TEXT = """\
# Goal: Split the billing helpers out of shop/utils.py

The helpers grew inside utils.py; moving them makes the tax rules testable.

## Chunk 1: Move billing helpers into shop/billing.py
Files: shop/utils.py, shop/billing.py
Verify: pytest -q tests/test_billing.py

Move `net_price` and `tax_for` into a new module and import them from utils.

## Chunk 2: Round tax half-up to the cent
Files: shop/billing.py
Verify: pytest -q

Use Decimal with ROUND_HALF_UP instead of float rounding.

## Chunk 3: Add tests for the tax rounding
Files: tests/test_billing.py
Verify: pytest -q tests/test_billing.py

Cover 0.005 edge cases and negative amounts.
"""


def fake_plan(text: str = PLAN_TEXT) -> Plan:
    """A tiny parser good enough for the fake: '## Chunk N: title' headings."""
    lines = text.splitlines()
    if not any(line.startswith("## Chunk") for line in lines):
        raise PlanError("no '## Chunk N: title' headings found", line=1)
    chunks = []
    for i, line in enumerate(lines, start=1):
        if line.startswith("## Chunk"):
            head, _, title = line.partition(":")
            number = int(head.split()[-1])
            verify = next((x.removeprefix("Verify:").strip() for x in lines[i:i + 3]
                           if x.startswith("Verify:")), None)
            chunks.append(Chunk(number, title.strip(), verify=verify, line=i))
    goal = lines[0].removeprefix("# Goal:").strip() if lines else ""
    return Plan(goal=goal, chunks=tuple(chunks), source=text)


def fake_patch(chunk: int) -> Patch:
    hunk = Hunk(1, 2, 1, 3, "def net_price", (
        DiffLine(" ", b"def net_price(amount):", 1, 1),
        DiffLine("-", b"    return amount * 1.2", 2, None),
        DiffLine("+", b"    return amount + tax_for(amount)", None, 2),
        DiffLine("+", f"    # chunk {chunk}".encode(), None, 3),
    ))
    return Patch((FileDiff("shop/billing.py", "shop/billing.py", FileStatus.MODIFIED, (hunk,)),))


class FakePairing:
    """Plan -> approve -> (execute -> verify -> review -> land) x 3, with real-looking events."""

    def __init__(self, on_event, goal: str | None = "Split the billing helpers",
                 delay: float = 0.0, session: Session | None = None,
                 fail_with: Exception | None = None, verify_delay: float = 0.0) -> None:
        self.on_event = on_event
        self.delay = delay
        self.fail_with = fail_with
        self.verify_delay = verify_delay
        self.calls: list[str] = []
        self._n = 0
        self.earlier: list = []  # what history() gives back (a reopened session's transcript)
        self.taken: list[Checkpoint] = []
        self.marks: dict[int, dict[str, str]] = {}
        self._session = session or Session(id="20260101-demo", goal=goal or "", created=0.0,
                                           planner="replay:planner", executor="replay:executor")

    @property
    def session(self) -> Session:
        return self._session

    @property
    def plan(self) -> Plan | None:
        return fake_plan(self._session.plan_versions[-1]) if self._session.plan_versions else None

    def _set(self, session: Session) -> None:
        self._session = session
        self.on_event(ev.SessionChanged(session))

    def _chunk(self, number: int, **changes) -> None:
        chunks = tuple(replace(c, **changes) if c.number == number else c
                       for c in self._session.chunks)
        self._set(replace(self._session, chunks=chunks))

    def _checkpoint(self, step: str, chunk: int | None) -> None:
        self._n += 1
        cp = Checkpoint(id=f"demo/{self._n}-{step}", ref=f"refs/pairtui/demo/{self._n}-{step}",
                        commit="c" * 40, tree="t" * 40, session="demo", n=self._n, step=step,
                        chunk=chunk, message="", time=0.0, files_changed=1)
        self.taken.append(cp)
        self.on_event(ev.CheckpointTaken(cp))

    async def _stream(self, text: str, thinking: bool = False) -> None:
        for word in text.split(" "):
            self.on_event(ev.ModelText(word + " ", thinking))
            if self.delay:
                await asyncio.sleep(self.delay)
        await asyncio.sleep(0)

    async def make_plan(self) -> Plan:
        self.calls.append("make_plan")
        self.on_event(ev.StepStarted(None, "planning"))
        if self.fail_with is not None:
            raise self.fail_with
        await self._stream("Reading the repo layout first.", thinking=True)
        await self._stream("Here is a plan in **three small chunks**, each with its own check.")
        self.on_event(ev.UsageUpdated(1200, 340, 0.0123))
        self._set(replace(self._session, plan_versions=(PLAN_TEXT,), cost_usd=0.0123))
        return self.plan  # type: ignore[return-value]

    async def revise_plan(self, comment: str) -> Plan:
        self.calls.append(f"revise:{comment}")
        self.on_event(ev.StepStarted(None, "revising"))
        await self._stream(f"Revised for: {comment}")
        text = self._session.plan_versions[-1] + "\n<!-- revised -->\n"
        self._set(replace(self._session, plan_versions=(*self._session.plan_versions, text)))
        return self.plan  # type: ignore[return-value]

    def set_plan_text(self, text: str) -> Plan:
        plan = fake_plan(text)
        self._set(replace(self._session, plan_versions=(*self._session.plan_versions, text)))
        return plan

    def set_goal(self, goal: str) -> None:
        self.calls.append(f"goal:{goal}")
        self._set(replace(self._session, goal=goal))

    def approve_plan(self) -> None:
        plan = self.plan
        assert plan is not None
        chunks = tuple(ChunkState(c.number) for c in plan.chunks)
        self._set(replace(self._session, phase=Phase.EXECUTING, chunks=chunks, current=1))

    async def execute(self, chunk: int) -> None:
        self.calls.append(f"execute:{chunk}")
        self._checkpoint("start", chunk)
        self._chunk(chunk, status=ChunkStatus.EXECUTING)
        self.on_event(ev.StepStarted(chunk, "executing"))
        await self._stream(f"I'll make chunk {chunk}'s change in `shop/billing.py`.")
        self.on_event(ev.ToolStarted(f"call_{chunk}_0", "edit_file", "edit_file shop/billing.py"))
        self.on_event(ev.ToolFinished(f"call_{chunk}_0", "edit_file", "edited shop/billing.py (+2 -1)"))
        await self._stream("Done: the helper now adds the tax.")
        self._checkpoint("executed", chunk)
        self._chunk(chunk, status=ChunkStatus.EXECUTED)

    async def verify(self, chunk: int) -> bool:
        self.calls.append(f"verify:{chunk}")
        self._chunk(chunk, status=ChunkStatus.VERIFYING)
        self.on_event(ev.StepStarted(chunk, "verifying"))
        for line in ("============ test session starts ============", "collected 4 items",
                     "tests/test_billing.py ....                [100%]", "4 passed in 0.02s"):
            self.on_event(ev.VerifyOutput(line + "\n"))
            if self.verify_delay:
                await asyncio.sleep(self.verify_delay)
        cmd = self.plan.chunk(chunk).verify if self.plan else None
        self.on_event(ev.VerifyFinished(chunk, True, cmd, 0))
        self._checkpoint("verified", chunk)
        self._chunk(chunk, status=ChunkStatus.VERIFIED)
        return True

    def history(self) -> list:
        return list(self.earlier)

    def checkpoints(self) -> list[Checkpoint]:
        return list(self.taken)

    def review_marks(self, chunk: int) -> dict[str, str]:
        return dict(self.marks.get(chunk, {}))

    def save_review_marks(self, chunk: int, marks: dict[str, str]) -> None:
        self.marks[chunk] = dict(marks)

    def chunk_patch(self, chunk: int) -> Patch:
        self.calls.append(f"patch:{chunk}")
        return fake_patch(chunk)

    def hunk_origin(self, chunk: int, path: str, hunk=None) -> str:
        return f"chunk {chunk} · edit_file #1"

    def reject_hunks(self, chunk: int, refs: list[tuple[int, int]]) -> None:
        self.calls.append(f"reject:{chunk}:{refs}")

    def reject_change(self, chunk: int, file, hunk, undo: bool = False) -> None:
        self.calls.append(f"{'unreject' if undo else 'reject'}:{chunk}:{file.path}")

    async def send_back(self, chunk: int, ref: tuple[int, int], comment: str) -> None:
        self.calls.append(f"send_back:{chunk}:{ref}:{comment}")

    def land(self, chunk: int) -> LandResult:
        self.calls.append(f"land:{chunk}")
        sha = f"{chunk}abc1234" + "0" * 32
        self._chunk(chunk, status=ChunkStatus.LANDED, commit=sha)
        self.on_event(ev.ChunkLanded(chunk, sha, f"landed 1 file as {sha[:7]}"))
        last = max(c.number for c in self._session.chunks)
        if chunk == last:
            self._set(replace(self._session, phase=Phase.DONE, current=None))
        else:
            self._set(replace(self._session, current=chunk + 1))
        return LandResult(sha, f"landed 1 file as {sha[:7]}")

    def rollback(self, chunk: int) -> Checkpoint:
        self.calls.append(f"rollback:{chunk}")
        self._checkpoint("pre-restore", chunk)
        self._chunk(chunk, status=ChunkStatus.ROLLED_BACK, commit=None)
        self._set(replace(self._session, current=chunk))
        cp = Checkpoint(id="demo/1-start", ref="refs/pairtui/demo/1-start", commit="c" * 40,
                        tree="t" * 40, session="demo", n=1, step="start", chunk=chunk,
                        message="", time=0.0)
        self.on_event(ev.ChunkRolledBack(chunk, cp))
        return cp

    async def next_step(self) -> str:
        s = self._session
        if s.phase == Phase.PLANNING:
            if not s.plan_versions:
                await self.make_plan()
                return "plan"
            self.approve_plan()
            return "approve"
        number = s.current
        assert number is not None
        status = next(c.status for c in s.chunks if c.number == number)
        if status in (ChunkStatus.PENDING, ChunkStatus.ROLLED_BACK):
            await self.execute(number)
            return "execute"
        if status == ChunkStatus.EXECUTED:
            await self.verify(number)
            return "verify"
        if status in (ChunkStatus.VERIFIED, ChunkStatus.FAILED):
            self._chunk(number, status=ChunkStatus.REVIEWING)
            return "review"
        if status == ChunkStatus.REVIEWING:
            self.on_event(ev.StepStarted(number, "landing"))
            self.land(number)
            return "land"
        return "none"


def fake_app(tmp: Path | None = None, **kwargs):
    """A PairApp wired to a FakePairing; returns (app, holder) where holder['pairing'] is set
    once the app opened the session. `steps=N` opens it N enter-presses into the flow."""
    from pairtui.ui.app import PairApp

    holder: dict = {}
    goal = kwargs.pop("goal", "Split the billing helpers")
    steps = kwargs.pop("steps", 0)
    inbox = kwargs.pop("inbox", None)

    def open_pairing(sink, goal_, ask):
        pairing = FakePairing(sink, goal=goal_, **kwargs)
        for _ in range(steps):  # start from a later state: run the steps before the app sees it
            asyncio.run(pairing.next_step())
        holder["pairing"] = pairing
        return pairing

    app = PairApp(open_pairing, goal, planner="replay:/x/assets/demo/planner.jsonl",
                  executor="replay:/x/assets/demo/executor.jsonl", verify_timeout=300.0,
                  inbox=inbox)
    return app, holder


async def settle(pilot, app, timeout: float = 10.0) -> None:
    """Wait until the app is idle: no step running, no events or text waiting to be shown."""
    import time

    from pairtui.ui.widgets.model_pane import ModelPane

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause(0.02)
        if not app.workspace_ready.is_set():
            continue
        busy_workers = [w for w in app.workers if w.is_running and w.group != "dialog"]
        if app.busy is None and not busy_workers and not app.query_one(ModelPane).pending:
            await pilot.pause(0.05)
            return
    raise AssertionError(f"app still busy after {timeout}s: {app.busy}")


async def still_screen(pilot, timeout: float = 10.0) -> None:
    """Wait until two screenshots 50 ms apart are the same: layout passes that land after the
    app is idle (scrolls, reflows) are part of the picture a snapshot should take."""
    import time

    deadline = time.monotonic() + timeout
    previous = None
    while time.monotonic() < deadline:
        shot = pilot.app.export_screenshot()
        if shot == previous:
            return
        previous = shot
        await pilot.pause(0.05)
    raise AssertionError(f"the screen kept changing for {timeout}s")


async def press_enter_until(pilot, app, predicate, limit: int = 30) -> int:
    """Press enter (next step) until predicate(app) holds; returns the presses used."""
    for presses in range(1, limit + 1):
        await pilot.press("enter")
        await settle(pilot, app)
        if predicate(app):
            return presses
    raise AssertionError("the flow did not reach the expected state")


def demo_app(tmp: Path, goal: str | None = "demo"):
    """A PairApp on a fresh copy of the demo repo with the real engine and unpaced replay
    transcripts (same turns as `pairtui demo`, streamed as fast as possible)."""
    import json
    import sys

    from pairtui.commands.demo import ASSETS, demo_goal, prepare_demo_repo
    from pairtui.config import load_config
    from pairtui.ui.app import PairApp

    repo = tmp / "demo-repo"
    if not repo.exists():
        prepare_demo_repo(str(repo))
    paths = {}
    for role in ("planner", "executor"):
        out = tmp / f"{role}.jsonl"
        lines = []
        for line in (ASSETS / "demo" / f"{role}.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                record.pop("pace", None)
                lines.append(json.dumps(record))
        out.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths[role] = f"replay:{out}"
    config = load_config(repo, {**paths, "verify_env": sys.prefix})  # as demo_config does

    def open_pairing(sink, goal_, ask):
        from pairtui.agent.flow import Pairing

        return Pairing.open(repo, config, sink, goal=goal_, ask_permission=ask)

    app = PairApp(open_pairing, demo_goal() if goal == "demo" else goal,
                  planner=config.planner, executor=config.executor,
                  verify_timeout=config.verify_timeout)
    return app, repo


def fake_vim(tmp_path: Path, monkeypatch, app, append: str) -> Path:
    """$VISUAL as a script named vim (so it is given +LINE FILE) that logs its arguments to the
    returned file and appends `append` to the file it opens; suspending (which a headless test
    cannot do) made a no-op."""
    import contextlib

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "editor.log"
    vim = bin_dir / "vim"
    vim.write_text(f'#!/bin/sh\necho "$@" > "{log}"\nprintf "{append}" >> "$2"\n')
    vim.chmod(0o755)
    monkeypatch.setenv("VISUAL", str(vim))
    monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
    return log
