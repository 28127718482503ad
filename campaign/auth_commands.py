"""`campaign users ...`: the users file from the command line.

    campaign users add NAME --role viewer [--district 城阳区] [--display-name 张三]
    campaign users list | remove NAME | secret
    campaign users unlock NAME [--address ADDR]

``add`` prompts for the password twice on a terminal; from a script it reads one line from
standard input (``echo "$PW" | campaign users add ...``).  The users file is
``--users-file``, else the ``users_file`` of the config named by ``CAMPAIGN_AUTH``.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from campaign import auth
from campaign.access import ROLES


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``users`` (add, list, remove, secret) to the ``python -m campaign`` parser."""
    users = subparsers.add_parser("users", help='manage the users file (mode = "users")')
    actions = users.add_subparsers(dest="users_command", required=True)

    add = actions.add_parser("add", help="add a user or change one (role, district, password)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--district", help="limit the user to one district's detail")
    add.add_argument("--display-name", dest="display_name")
    add.add_argument(
        "--keep-password",
        action="store_true",
        help="change role/district of an existing user without asking for a password",
    )
    _users_file(add)
    add.set_defaults(handler=run_add)

    listing = actions.add_parser("list", help="the users (never their hashes)")
    _users_file(listing)
    listing.set_defaults(handler=run_list)

    remove = actions.add_parser("remove", help="remove a user")
    remove.add_argument("name")
    _users_file(remove)
    remove.set_defaults(handler=run_remove)

    unlock = actions.add_parser(
        "unlock", help="lift a failed-login lock of NAME (from every address) or of --address"
    )
    unlock.add_argument("name", nargs="?", help="the login name to unlock")
    unlock.add_argument("--address", help="also lift the lock of this client address")
    unlock.add_argument(
        "--state-dir",
        dest="state_dir",
        type=Path,
        help="folder of login_attempts.sqlite3 (default: state_dir of the CAMPAIGN_AUTH config)",
    )
    unlock.set_defaults(handler=run_unlock)

    secret = actions.add_parser("secret", help="print a new random secret for signing sessions")
    secret.set_defaults(handler=run_secret)


def _users_file(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--users-file",
        dest="users_file",
        type=Path,
        help="the users file (default: users_file of the CAMPAIGN_AUTH config)",
    )


def _resolve_users_file(args: argparse.Namespace) -> Path | None:
    if args.users_file:
        return Path(args.users_file)
    try:
        config = auth.load_config()
    except auth.AuthConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None
    if config.users_file is None:
        print(
            "error: give --users-file or set CAMPAIGN_AUTH to a config with users_file",
            file=sys.stderr,
        )
    return config.users_file


def read_password() -> str:
    """The new password: asked twice on a terminal, else one line of standard input."""
    if sys.stdin.isatty():
        first = getpass.getpass("password: ")
        if getpass.getpass("again: ") != first:
            raise ValueError("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def run_add(args: argparse.Namespace) -> int:
    path = _resolve_users_file(args)
    if path is None:
        return 2
    try:
        password = None if args.keep_password else read_password()
        if password is not None and len(password) < 8:
            raise ValueError("the password must have at least 8 characters")
        record = auth.put_user(
            path,
            args.name,
            args.role,
            password=password,
            district=args.district,
            display_name=args.display_name,
        )
    except (ValueError, auth.AuthConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    where = f" ({record.district})" if record.district else ""
    print(f"{record.name}: {record.role}{where} → {path}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    path = _resolve_users_file(args)
    if path is None:
        return 2
    try:
        users = auth.load_users(path)
    except auth.AuthConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for record in sorted(users.values(), key=lambda r: r.name):
        print(
            "\t".join(
                [record.name, record.role, record.district or "-", record.display_name or "-"]
            )
        )
    return 0


def run_remove(args: argparse.Namespace) -> int:
    path = _resolve_users_file(args)
    if path is None:
        return 2
    try:
        removed = auth.remove_user(path, args.name)
    except auth.AuthConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not removed:
        print(f"error: no user {args.name!r} in {path}", file=sys.stderr)
        return 1
    print(f"removed {auth.normalise_name(args.name)} from {path}")
    return 0


def run_unlock(args: argparse.Namespace) -> int:
    if not args.name and not args.address:
        print("error: give NAME, --address ADDR or both", file=sys.stderr)
        return 2
    if args.state_dir:
        path = Path(args.state_dir) / auth.ATTEMPTS_FILENAME
    else:
        try:
            path = auth.load_config().attempts_path
        except auth.AuthConfigError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        if path is None:
            print(
                "error: give --state-dir or set CAMPAIGN_AUTH to the server's config",
                file=sys.stderr,
            )
            return 2
    if not path.exists():
        print(f"nothing to unlock: {path} does not exist (no failed logins yet)")
        return 0
    guard = auth.LoginGuard(path)
    try:
        lifted = guard.unlock(args.name, args.address)
    finally:
        guard.close()
    who = " ".join(filter(None, [args.name and auth.normalise_name(args.name), args.address]))
    auth.log.warning("unlocked from the command line: %s (%d lock(s) lifted)", who, lifted)
    print(f"unlocked {who}: {lifted} lock(s) lifted ({path})")
    return 0


def run_secret(args: argparse.Namespace) -> int:
    print(auth.new_secret())
    return 0
