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
    assert _normalise(["--planner", "replay:x"]) == ["--planner", "replay:x", "open"]
    assert _normalise(["-C", "repo", "--goal", "g"]) == ["-C", "repo", "open", "--goal", "g"]
    assert _normalise(["some/repo"]) == ["open", "some/repo"]
    assert _normalise(["--debug", "review", "--dry-run"]) == ["--debug", "review", "--dry-run"]
    assert _normalise(["--version"]) == ["--version"]
    assert _normalise(["./here"]) == ["open", "./here"]


def test_implicit_open_outside_a_repo_exits_4(tmp_path):
    out = pairtui("--planner", "replay:x", cwd=tmp_path)
    assert out.returncode == 4, out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_an_unknown_word_is_an_unknown_command_naming_the_closest(tmp_path):
    out = pairtui("frobnicate", cwd=tmp_path)
    assert out.returncode == 2, out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert "unknown command 'frobnicate'" in out.stderr and "the closest is '" in out.stderr
    out = pairtui("reveiw", cwd=tmp_path)
    assert out.returncode == 2
    assert "did you mean 'review'" in out.stderr
    out = pairtui("-C", str(tmp_path), "checkpiont", cwd=tmp_path)
    assert out.returncode == 2
    assert "'checkpoint'" in out.stderr


def test_an_existing_directory_as_first_word_still_opens_it(tmp_path):
    (tmp_path / "notarepo").mkdir()
    out = pairtui("notarepo", cwd=tmp_path)  # a directory: open it (and it is no repository)
    assert out.returncode == 4, out.stderr
    assert "frobnicate" not in out.stderr


def test_global_flags_work_before_or_after_the_subcommand(git_repo):
    before = pairtui("-C", str(git_repo), "--debug", "checkpoint", "-m", "a")
    after = pairtui("checkpoint", "-m", "b", "-C", str(git_repo), "--debug")
    assert before.returncode == 0, before.stderr
    assert after.returncode == 0, after.stderr
    listed = pairtui("checkpoints", "-C", str(git_repo))
    assert listed.returncode == 0, listed.stderr
    assert " a" in listed.stdout and " b" in listed.stdout


def test_model_flags_after_the_subcommand_reach_it_and_elsewhere_are_refused(git_repo):
    out = pairtui("plan", "--goal", "g", "--planner", "nosuch:model", "-C", str(git_repo))
    before = pairtui("--planner", "nosuch:model", "-C", str(git_repo), "plan", "--goal", "g")
    for run in (out, before):
        assert run.returncode == 2, run.stderr
        assert "nosuch" in run.stderr
    out = pairtui("checkpoint", "--planner", "anthropic:x", "-C", str(git_repo))
    assert out.returncode == 2
    assert "--planner" in out.stderr and len(out.stderr.splitlines()) == 1
    out = pairtui("--executor", "anthropic:x", "restore", "X", "-C", str(git_repo))
    assert out.returncode == 2
    assert "--executor does not apply to 'restore'" in out.stderr


def test_each_subcommand_help_explains_its_arguments():
    explained = {
        "rollback": ("CHUNK", "chunk's number in the plan"),
        "restore": ("ID", "as `pairtui checkpoints` lists it"),
        "checkpoint": ("MSG", "a note kept with the checkpoint"),
        "review": ("SPEC", "1,3-5 | all | none"),
    }
    for cmd, (metavar, words) in explained.items():
        out = pairtui(cmd, "--help").stdout
        assert metavar in out and words in " ".join(out.split()), (cmd, out)
    review = " ".join(pairtui("review", "--help").stdout.split())
    assert "REVS: a rev range like main..agent-branch" in review
    checkpoint = pairtui("checkpoint", "--help").stdout
    assert "-C REPO" in checkpoint and "--debug" in checkpoint


def test_run_without_a_key_names_the_planner_when_the_planner_needs_it(git_repo):
    out = pairtui("run", "--goal", "g", "--planner", "anthropic:claude-x",
                  "--executor", "anthropic:claude-y", "-C", str(git_repo))
    assert out.returncode != 0
    assert "planner anthropic (claude-x)" in out.stderr, out.stderr
    assert "claude-y" not in out.stderr
