"""README command 1, as a newcomer runs it: a fresh venv, `pip install -e .` WITHOUT the test
extras (so no pytest), then the demo, headless and in the TUI, must land all three chunks.

The demo's checks must run with that fresh environment's interpreter: PATH here holds only git,
so no other python3 can be found, and a check that used anything but pairtui's own
environment would fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory) -> Path:
    """A venv made as README command 1 makes it: `python3 -m venv` + `pip install -e .`."""
    venv = tmp_path_factory.mktemp("readme") / ".venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "-e",
                          str(ROOT)], capture_output=True, text=True, timeout=600)
    if pip.returncode != 0:
        lines = [line for line in pip.stderr.splitlines() if not line.startswith("WARNING")]
        pytest.skip(f"pip cannot install pairtui here (offline?): {lines[-1:] or pip.returncode}")
    has_pytest = subprocess.run([str(venv / "bin" / "python"), "-c", "import pytest"],
                                capture_output=True)
    assert has_pytest.returncode != 0, "README command 1 must not bring pytest along"
    return venv


@pytest.fixture
def bare_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a person who ran README command 1 without activating the venv,
    with nothing on PATH but git (so no python3 to fall back on) and no pairtui config."""
    tools = tmp_path / "tools"
    tools.mkdir()
    (tools / "git").symlink_to(shutil.which("git") or "git")
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME") and not k.startswith("PAIRTUI_")}
    env.update(PATH=str(tools), XDG_CONFIG_HOME=str(tmp_path / "config"))
    return env


def commits(repo: Path) -> list[str]:
    out = subprocess.run(["git", "-C", str(repo), "log", "--format=%s"], capture_output=True,
                         text=True, check=True)
    return out.stdout.splitlines()


def test_headless_demo_lands_three_chunks_right_after_readme_command_1(
        fresh_venv, bare_env, tmp_path):
    repo = tmp_path / "demo"
    run = subprocess.run([str(fresh_venv / "bin" / "pairtui"), "demo", "--headless", "--dir",
                          str(repo)], env=bare_env, capture_output=True, text=True, timeout=300)
    story = run.stdout + run.stderr
    assert run.returncode == 0, story[-4000:]
    assert "pairtui: every chunk landed" in story and story.count("check passed") == 3
    assert len(commits(repo)) == 4 and commits(repo)[-1] == "The shop before the refactor"
    status = subprocess.run(["git", "-C", str(repo), "status", "--porcelain"],
                            capture_output=True, text=True, check=True)
    assert status.stdout == ""


TUI_SCRIPT = textwrap.dedent('''
    """Drive the real demo app with Pilot under the fresh venv (Pilot needs no pytest)."""
    import asyncio, dataclasses, json, sys
    from pathlib import Path

    from pairtui.agent.events import VerifyFinished
    from pairtui.commands.demo import ASSETS, demo_config, demo_goal, prepare_demo_repo
    from pairtui.ui.app import PairApp

    repo = prepare_demo_repo(sys.argv[1])
    config = demo_config(repo)
    unpaced = {}
    for role in ("planner", "executor"):  # the demo's turns, streamed without pauses
        lines = []
        for line in (ASSETS / "demo" / f"{role}.jsonl").read_text().splitlines():
            record = json.loads(line)
            record.pop("pace", None)
            lines.append(json.dumps(record))
        path = Path(sys.argv[2]) / f"{role}.jsonl"
        path.write_text("\\n".join(lines) + "\\n")
        unpaced[role] = f"replay:{path}"
    config = dataclasses.replace(config, **unpaced)
    checks = []

    def open_pairing(sink, goal, ask):
        from pairtui.agent.flow import Pairing

        def watch(event):
            if isinstance(event, VerifyFinished):
                checks.append([event.command, event.passed])
            sink(event)

        return Pairing.open(repo, config, watch, goal=goal, ask_permission=ask)

    app = PairApp(open_pairing, demo_goal(), planner=config.planner, executor=config.executor)

    async def settle(pilot):
        for _ in range(2000):
            await pilot.pause(0.02)
            running = [w for w in app.workers if w.is_running and w.group != "dialog"]
            if app.workspace_ready.is_set() and app.busy is None and not running:
                return

    async def main():
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            for _ in range(30):
                if app.session is not None and app.session.phase == "done":
                    break
                await pilot.press("enter")
                await settle(pilot)
        print(json.dumps({"statuses": [str(c.status) for c in app.session.chunks],
                          "verify_env": config.verify_env, "prefix": sys.prefix,
                          "checks": checks}))

    asyncio.run(main())
''')


def test_tui_demo_lands_three_chunks_with_the_fresh_environments_interpreter(
        fresh_venv, bare_env, tmp_path):
    script = tmp_path / "drive_demo.py"
    script.write_text(TUI_SCRIPT)
    repo = tmp_path / "demo"
    run = subprocess.run([str(fresh_venv / "bin" / "python"), str(script), str(repo),
                          str(tmp_path)], env=bare_env, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["statuses"] == ["landed"] * 3
    assert Path(result["verify_env"]) == Path(result["prefix"]) == fresh_venv
    assert [passed for _, passed in result["checks"]] == [True] * 3
    assert len(commits(repo)) == 4
