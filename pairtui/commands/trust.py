"""`pairtui trust [--yes | --revoke]`: let the repo's `.pairtui.toml` grant power.

A repo file's power-granting keys (config.GRANT_FIELDS) are ignored until the person trusted
that exact file (trust.py). This command shows what the file grants and, on the person's
yes (a prompt on a terminal, or --yes), remembers the file's digest. Editing the file undoes
the trust; `--revoke` forgets it at once.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pairtui.config import GRANT_FIELDS, REPO_CONFIG_NAME, user_config_path
from pairtui.errors import ConfigError, UsageError
from pairtui.git.repo import find_repo
from pairtui.trust import TrustStore


def _granted(path: Path) -> dict[str, object]:
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path} does not exist: there is nothing to trust") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"{path}: cannot be read as TOML ({err})") from None
    return {key: data[key] for key in GRANT_FIELDS if key in data}


def _confirmed(args: argparse.Namespace) -> bool:
    if args.yes:
        return True
    if not sys.stdin.isatty():
        raise UsageError("not a terminal: pass --yes to trust the file")
    return input("Trust this file? [y/N] ").strip().lower() in ("y", "yes")


def run(args: argparse.Namespace) -> int:
    store = TrustStore(user_config_path().parent)
    path = find_repo(Path(args.repo)).root / REPO_CONFIG_NAME
    if args.revoke:
        done = store.revoke(path)
        print(f"{path}: {'no longer trusted' if done else 'was not trusted'}")
        return 0
    granted = _granted(path)
    if not granted:
        print(f"{path} grants nothing that needs trust; nothing to do")
        return 0
    for key, value in granted.items():
        print(f"  {key} = {value!r}")
    if store.is_trusted(path):
        print(f"{path} is trusted as it is now")
        return 0
    if not _confirmed(args):
        print("not trusted; those keys stay ignored")
        return 0
    digest = store.trust(path)
    print(f"trusted {path} (sha256 {digest[:12]}); editing the file needs a new `pairtui trust`")
    return 0
