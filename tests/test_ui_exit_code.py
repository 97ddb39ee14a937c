"""An app that stopped on an error never ends the command with exit 0."""

from __future__ import annotations

from textual.app import App

from pairtui.ui.exit_code import exit_code


class Breaks(App[int]):
    def on_mount(self) -> None:
        raise RuntimeError("a bug in a handler")


class Ends(App[int]):
    def on_mount(self) -> None:
        self.exit(3)


async def test_an_app_stopped_by_an_error_gives_a_failing_code():
    app = Breaks()
    try:
        async with app.run_test():
            pass
    except RuntimeError:
        pass  # run_test re-raises what stopped the app; run() only prints it
    assert app.return_code == 1
    assert exit_code(app, None) == 1


async def test_an_app_that_ends_normally_gives_its_own_code():
    app = Ends()
    async with app.run_test():
        pass
    assert exit_code(app, app.return_value) == 3
    assert exit_code(App(), None) == 0
