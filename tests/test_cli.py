"""The command line: help, version, usage errors, and start-up that stays light."""

from __future__ import annotations

import subprocess
import sys


def pairtui(*args: str, cwd=None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pairtui", *args], capture_output=True, text=True, cwd=cwd
    )


def test_version_prints_version():
    out = pairtui("--version")
    assert out.returncode == 0
    assert out.stdout.startswith("pairtui ")


def test_usage_error_is_one_line_and_exit_2():
    out = pairtui("--no-such-flag")
    assert out.returncode == 2
    assert len(out.stderr.strip().splitlines()) == 1


def test_every_subcommand_has_help():
    for cmd in ("demo", "plan", "run", "review", "rollback", "checkpoint", "checkpoints", "restore"):
        out = pairtui(cmd, "--help")
        assert out.returncode == 0, cmd
        assert "usage: pairtui" in out.stdout


def test_help_and_version_do_not_import_textual_or_sdks():
    code = (
        "import sys\n"
        "from pairtui.cli import main\n"
        "for argv in (['--version'], ['--help']):\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = [m for m in ('textual', 'anthropic', 'openai', 'git') if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "HEAVY=\n" in out.stdout, out.stdout


def test_bare_invocation_options_belong_to_the_implicit_open_command():
    from pairtui.cli import _normalise

    assert _normalise([]) == ["open"]
    assert _normalise(["--planner", "replay:x"]) == ["open", "--planner", "replay:x"]
    assert _normalise(["-C", "repo", "--goal", "g"]) == ["-C", "repo", "open", "--goal", "g"]
    assert _normalise(["some/repo"]) == ["open", "some/repo"]
    assert _normalise(["--debug", "review", "--dry-run"]) == ["--debug", "review", "--dry-run"]
    assert _normalise(["--version"]) == ["--version"]


def test_implicit_open_outside_a_repo_exits_4(tmp_path):
    out = pairtui("--planner", "replay:x", cwd=tmp_path)
    assert out.returncode == 4, out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
