"""`make typecheck`: mypy over the project, failing only on errors the baseline does not have.

The baseline (.ci/mypy-baseline.txt) holds today's errors without their line numbers, so an
edit above an old error does not make it "new". ``--write-baseline`` (``make
typecheck-baseline``) rewrites it, e.g. after merging a branch that brings new code.
A fixed error just leaves the baseline: the run says how many could be removed.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / ".ci" / "mypy-baseline.txt"
# "path:line: error: message  [code]" (columns off); notes belong to the error above them.
ERROR = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): error: (?P<message>.*)$")
QUOTED = re.compile(r'"([^"]*)"')
OPENING, CLOSING = "[(", "])"


def _split_top(text: str, separator: str) -> list[str]:
    """``text`` split at ``separator`` outside brackets."""
    parts, depth, start, index = [], 0, 0, 0
    while index < len(text):
        if text[index] in OPENING:
            depth += 1
        elif text[index] in CLOSING:
            depth -= 1
        elif depth == 0 and text.startswith(separator, index):
            parts.append(text[start:index])
            index += len(separator)
            start = index
            continue
        index += 1
    parts.append(text[start:])
    return parts


def _sorted_type(text: str) -> str:
    """A type with the members of every union in sorted order, at every depth."""
    members = []
    for member in _split_top(text, " | "):
        out, depth, start = [], 0, 0
        for index, char in enumerate(member):
            if char in OPENING:
                if depth == 0:
                    out.append(member[start : index + 1])
                    start = index + 1
                depth += 1
            elif char in CLOSING:
                depth -= 1
                if depth == 0:
                    inner = _split_top(member[start:index], ", ")
                    out.append(", ".join(_sorted_type(part) for part in inner))
                    start = index
        out.append(member[start:])
        members.append("".join(out))
    return " | ".join(sorted(members))


def normalised(message: str) -> str:
    """``message`` with the unions in its quoted types sorted: mypy prints a union's members
    in an order that depends on the hash seed (a fresh checkout printed "date | str | float"
    where the baseline has "date | float | str"), and that is not a new error."""
    return QUOTED.sub(lambda match: f'"{_sorted_type(match.group(1))}"', message)


def mypy_errors() -> list[tuple[str, str]]:
    """(path:line, "path: message [code]") for each error mypy reports now."""
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-color-output", "--no-error-summary"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode not in (0, 1):  # 2: mypy itself failed (a config or syntax error)
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"mypy failed to run (exit {done.returncode})")
    found = []
    for line in done.stdout.splitlines():
        match = ERROR.match(line)
        if match:
            where = f"{match['path']}:{match['line']}"
            found.append((where, f"{match['path']}: {normalised(match['message'].strip())}"))
    return found


def main(argv: list[str]) -> int:
    errors = mypy_errors()
    keys = sorted(key for _, key in errors)
    if "--write-baseline" in argv:
        BASELINE.write_text("".join(f"{key}\n" for key in keys), encoding="utf-8")
        print(f"typecheck: baseline written with {len(keys)} errors ({BASELINE.name})")
        return 0
    known = (
        Counter(normalised(line) for line in BASELINE.read_text(encoding="utf-8").splitlines())
        if BASELINE.exists()
        else Counter()
    )
    now = Counter(keys)
    new = now - known
    if new:
        print(f"typecheck: {sum(new.values())} new mypy error(s) (not in .ci/mypy-baseline.txt):")
        left = dict(new)
        for where, key in errors:
            if left.get(key, 0) > 0:
                left[key] -= 1
                print(f"  {where}: {key.split(': ', 1)[1]}")
        return 1
    gone = sum((known - now).values())
    note = f"; {gone} fixed since the baseline (make typecheck-baseline drops them)" if gone else ""
    print(f"typecheck: no new errors ({len(keys)} known{note})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
