"""The command line: help, version, usage errors, and start-up that stays light."""

from __future__ import annotations

import os
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


def test_a_goal_without_goal_flag_is_refused_with_the_command_that_works(git_repo):
    out = pairtui("run", "add a --version flag", "--yes", cwd=git_repo)
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1
    assert "pairtui run --yes --goal 'add a --version flag'" in out.stderr
    out = pairtui("plan", "tidy", "up", "--executor", "replay:x", cwd=git_repo)
    assert "pairtui plan --executor replay:x --goal 'tidy up'" in out.stderr
    out = pairtui("run", "--worktree", "--branch", "fix", "fix", cwd=git_repo)
    assert "pairtui run --worktree --branch fix --goal fix" in out.stderr, "by position"
    out = pairtui("run", "--pln", "p.md", cwd=git_repo)  # a misspelled option: no goal advice
    assert out.returncode == 2 and "--goal TEXT" not in out.stderr
    out = pairtui("run", cwd=git_repo)  # nothing given at all: argparse's own words
    assert out.returncode == 2 and "one of the arguments --goal --plan --resume" in out.stderr
    assert not (git_repo / ".git" / "pairtui").exists()  # nothing started


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


def test_review_yes_of_a_patch_stays_light(git_repo):
    """`pairtui review PATCH --accept SPEC --yes` is what a script waits for, next to `git
    apply` (3-7 ms): it applies and checkpoints without the TUI, the SDKs, GitPython, the diff
    view's difflib, or the modules only other sources and commands need (issue 13)."""
    (git_repo / "change.patch").write_bytes(
        b"diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n"
        b"@@ -1 +1 @@\n-# demo\n+# demo, changed\n")
    code = (
        "import sys\n"
        "from pairtui.cli import main\n"
        "code = main(['review', 'change.patch', '--accept', 'all', '--yes'])\n"
        "heavy = ('textual', 'anthropic', 'openai', 'git', 'unidiff', 'difflib', 'shutil',\n"
        "         'pairtui.ui', 'pairtui.agent', 'pairtui.models', 'pairtui.core.store',\n"
        "         'pairtui.diff.compute', 'pairtui.git.worktree_match', 'typing')\n"
        "found = [m for m in heavy if m in sys.modules]\n"
        "print(f'CODE={code} HEAVY=' + ','.join(found))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=git_repo)
    assert "CODE=0 HEAVY=\n" in out.stdout, (out.stdout, out.stderr)
    assert (git_repo / "README.md").read_text() == "# demo, changed\n"
    refs = subprocess.run(["git", "for-each-ref", "refs/pairtui/"], cwd=git_repo,
                          capture_output=True, text=True).stdout
    assert "pre-review" in refs  # the checkpoint was still taken first


def test_review_yes_of_a_patch_runs_few_git_processes(git_repo, tmp_path):
    """Each git process costs about what `git apply` costs: finding the repo and taking the
    checkpoint (HEAD and refs read in one process, no count that nobody shows) take six."""
    log = tmp_path / "git.log"
    shim = tmp_path / "bin"
    shim.mkdir()
    real = subprocess.run(["sh", "-c", "command -v git"], capture_output=True,
                          text=True).stdout.strip()
    # the subcommand: after `-C DIR`, which pairtui passes instead of a working directory
    (shim / "git").write_text(f'#!/bin/sh\nif [ "$1" = -C ]; then sub="$3"; else sub="$1"; fi\n'
                              f'echo "$sub" >> "{log}"\nexec "{real}" "$@"\n')
    (shim / "git").chmod(0o755)
    (git_repo / "change.patch").write_bytes(
        b"diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n"
        b"@@ -1 +1 @@\n-# demo\n+# demo, changed\n")
    env = {**os.environ, "PATH": f"{shim}{os.pathsep}{os.environ['PATH']}"}
    out = subprocess.run([sys.executable, "-m", "pairtui", "review", "change.patch", "--accept",
                          "all", "--yes"], capture_output=True, text=True, cwd=git_repo, env=env)
    assert out.returncode == 0, out.stderr
    assert (git_repo / "README.md").read_text() == "# demo, changed\n"
    calls = sorted(log.read_text().split())  # one runs in the background: order may vary
    assert calls == ["add", "commit-tree", "rev-parse", "rev-parse", "update-ref",
                     "write-tree"], calls
