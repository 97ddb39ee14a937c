"""Worktree runs: a run in its own linked worktree and branch, its record, the queue of runs
and the detached process that carries it (the async half of pairtui)."""
