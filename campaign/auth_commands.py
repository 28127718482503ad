"""`campaign users ...`: the users file from the command line.

    campaign users add NAME --role viewer [--district 城阳区] [--display-name 张三]
    campaign users list | remove NAME | secret

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


def run_secret(args: argparse.Namespace) -> int:
    print(auth.new_secret())
    return 0
