"""Application hardening (issue 11, the medium items outside SQL and uploads): each test
puts the exact bad input of the report through the real code path and checks what a user
would meet.

- the meeting-pack workbook writes typed text as text, never as a formula;
- a KPI's description and owner show literally (no link, no HTML), like a note;
- a district-limited user writes follow-up notes for their own district only;
- five wrong guesses lock a name from that address only, and an admin can unlock it.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from openpyxl import load_workbook

from campaign import auth, cli, views
from campaign.access import LOCAL_USER, User, may_write_note
from campaign.kpi.definitions import parse_kpi_file
from campaign.notes import NoteError, NotesStore

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"
sys.path.insert(0, str(ROOT / "deploy"))
from loopback import free_port, healthy  # noqa: E402  (deploy/loopback.py)

# The payloads of the report: a formula that opens a link, and a DDE command.
HYPERLINK = '=HYPERLINK("http://evil.example/login","点击查看详情")'
DDE = "=cmd|' /C calc'!A0"


def sample_folder(folder: Path) -> Path:
    """A data folder on the shipped sample (symlinked extracts and targets)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "extracts").symlink_to(ROOT / "data" / "extracts", target_is_directory=True)
    (folder / "targets.csv").symlink_to(ROOT / "data" / "targets.csv")
    return folder


def queries_with_header(folder: Path, kpi_id: str, **fields: str) -> Path:
    """A copy of the shipped queries where ``kpi_id``'s header fields are replaced."""
    shutil.copytree(QUERIES, folder)
    path = folder / f"{kpi_id}.sql"
    lines = path.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        for key, value in fields.items():
            if line.startswith(f"-- {key}:"):
                lines[index] = f"-- {key}: {value}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


# ---------------------------------------------------------------- spreadsheet formulas


def test_the_meeting_pack_workbook_keeps_formula_looking_text_as_text(tmp_path):
    data = sample_folder(tmp_path / "data")
    queries = queries_with_header(tmp_path / "queries", "chambers_new", name_zh=HYPERLINK)
    NotesStore.for_data(data).add(
        "chambers_new",
        "全市",
        "2022-09",
        reason=DDE,
        action=HYPERLINK,
        due_date=None,
        author="=1+1",
        user=LOCAL_USER,
    )
    out = tmp_path / "pack.xlsx"
    code = cli.main(
        [
            *("brief", "--data", str(data), "--queries", str(queries)),
            *("--as-of", "2022-09-30", "--out", str(out)),
        ]
    )
    assert code == 0
    book = load_workbook(out)
    formulas = [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []
    texts = [
        cell.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]
    # The KPI name (KPI table, monthly sheet title), the note's reason, action and author
    # are all there, character for character, as text.
    assert texts.count(HYPERLINK) >= 2
    assert DDE in texts and "=1+1" in texts


# ---------------------------------------------------------------- Markdown from files


def rendered(markdown: str) -> str:
    """``markdown`` as CommonMark HTML, with HTML allowed and every link target accepted
    (so an unescaped ``javascript:`` link would come out as one)."""
    parser = MarkdownIt("commonmark", {"html": True})
    parser.validateLink = lambda url: True
    return parser.render(markdown)


@pytest.mark.parametrize(
    "text",
    [
        "[x](javascript:alert(4))",
        "[请点此重新登录](https://evil.example/login)",
        "<a href='https://evil.example'>登录</a><img src=x onerror=alert(1)>",
        "![](https://evil.example/track.png)",
        "# 标题 **粗体** `代码`",
    ],
)
def test_a_kpi_description_and_owner_show_as_typed_never_as_links(tmp_path, text):
    queries = queries_with_header(
        tmp_path / "queries", "chambers_new", description=text, owner=text
    )
    definition = parse_kpi_file(queries / "chambers_new.sql").definition
    assert definition is not None
    html = rendered(views.definition_markdown(definition, "zh"))
    assert "<a " not in html and "<img" not in html and "<h1" not in html
    assert "<strong>说明</strong>" in html  # the labels' own emphasis stays
    shown = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert html.count(shown) == 2  # description and owner, character for character


def test_bare_web_addresses_are_broken_for_github_style_autolinks():
    # Streamlit's Markdown (GFM) links bare addresses; an escaped ':' or '.' stops that.
    escaped = views.markdown_literal("请登录 https://evil.example 或 www.evil.example")
    assert "https://" not in escaped and "www." not in escaped
    assert rendered(escaped) == "<p>请登录 https://evil.example 或 www.evil.example</p>\n"


# ---------------------------------------------------------------- notes and scope

CHENGYANG_VIEWER = User("bob", "viewer", district="城阳区")
CITY_ANALYST = User("alice", "analyst")


def test_a_district_limited_user_writes_notes_for_their_own_district_only(tmp_path):
    store = NotesStore(tmp_path / "notes.sqlite3")
    note = {"reason": "原因", "action": "措施", "due_date": None, "author": "城阳区工商联"}
    with pytest.raises(NoteError) as refused:
        store.add("financing_amount", "全市", "2022-09", **note, user=CHENGYANG_VIEWER)
    assert refused.value.key == "notes.error.scope_denied"
    assert "城阳区" in refused.value.text("zh") and "全市" in refused.value.text("zh")
    with pytest.raises(NoteError):
        store.add("financing_amount", "市南区", "2022-09", **note, user=CHENGYANG_VIEWER)
    own = store.add("financing_amount", "城阳区", "2022-09", **note, user=CHENGYANG_VIEWER)
    city = store.add("financing_amount", "全市", "2022-09", **note, user=CITY_ANALYST)
    # Editing is writing: a city-wide note cannot be revised by the district user either.
    with pytest.raises(NoteError):
        store.revise(city.id, **note, user=CHENGYANG_VIEWER)
    store.revise(own.id, **{**note, "action": "新措施"}, user=CHENGYANG_VIEWER)
    current = sorted((n.scope, n.action) for n in store.current(month="2022-09"))
    assert current == [("全市", "措施"), ("城阳区", "新措施")]


def test_the_note_rule_is_the_viewing_rule():
    assert may_write_note(CHENGYANG_VIEWER, "城阳区")
    assert not may_write_note(CHENGYANG_VIEWER, None)  # 全市
    assert may_write_note(CITY_ANALYST, None) and may_write_note(CITY_ANALYST, "城阳区")
    assert not may_write_note(None, "城阳区")
    assert not may_write_note(User("x", "no-such-role"), None)


# ---------------------------------------------------------------- failed logins


@pytest.fixture
def users_config(tmp_path, monkeypatch) -> auth.AuthConfig:
    from argon2 import PasswordHasher

    monkeypatch.setattr(
        auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    monkeypatch.setattr(auth, "_dummy_hash", None)
    users = tmp_path / "users.toml"
    auth.put_user(users, "admin", "admin", password="the admin's password")
    (tmp_path / "session.secret").write_text("s" * 40)
    config_file = tmp_path / "auth.toml"
    config_file.write_text(
        'mode = "users"\nusers_file = "users.toml"\nsecret_file = "session.secret"\n'
        'state_dir = "state"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv(auth.ENV_VAR, str(config_file))
    return auth.load_config()


def test_five_wrong_guesses_from_one_address_do_not_lock_the_admin_out_elsewhere(users_config):
    guard = auth.LoginGuard(users_config.attempts_path)
    try:
        now = 1_700_000_000.0
        for _ in range(5):
            auth.login(users_config, guard, "admin", "guess", "203.0.113.9", now)
        from_attacker = auth.login(
            users_config, guard, "admin", "the admin's password", "203.0.113.9", now + 1
        )
        assert from_attacker.refused == "locked"
        at_desk = auth.login(
            users_config, guard, "admin", "the admin's password", "10.0.0.5", now + 1
        )
        assert at_desk.session is not None and at_desk.session.user.role == "admin"
    finally:
        guard.close()


def test_users_unlock_lifts_the_lock_of_a_name_for_every_address(users_config, capsys):
    import time

    guard = auth.LoginGuard(users_config.attempts_path)
    try:
        now = time.time()
        for address in ("10.0.0.5", "10.0.0.6"):
            for _ in range(5):
                auth.login(users_config, guard, "admin", "typo", address, now)
        assert (
            auth.login(
                users_config, guard, "admin", "the admin's password", "10.0.0.5", now
            ).refused
            == "locked"
        )
        assert cli.main(["users", "unlock", "ADMIN"]) == 0  # names compare case-folded
        assert "2 lock(s) lifted" in capsys.readouterr().out
        # The address locks (five failures from each) stay: they are another key.
        assert guard.locked_for(["addr:10.0.0.5"], now) > 0
        assert cli.main(["users", "unlock", "--address", "10.0.0.5"]) == 0
        signed_in = auth.login(
            users_config, guard, "admin", "the admin's password", "10.0.0.5", now
        )
        assert signed_in.session is not None
    finally:
        guard.close()


def test_users_unlock_needs_a_name_or_an_address(users_config, capsys):
    assert cli.main(["users", "unlock"]) == 2
    assert "NAME" in capsys.readouterr().err


# ---------------------------------------------------------------- local mode listens locally


def make_run_command(*variables: str) -> list[str]:
    """``make run`` as the README gives it (the virtualenv taken as installed: -o)."""
    return ["make", "-s", "-C", str(ROOT), "-o", ".venv/.installed", "run", *variables]


def test_make_run_passes_the_loopback_address_unless_one_is_given():
    dry = subprocess.run([*make_run_command(), "-n"], capture_output=True, text=True, check=True)
    assert "--server.address 127.0.0.1 " in dry.stdout
    given = subprocess.run(
        [*make_run_command("ADDRESS=0.0.0.0"), "-n"], capture_output=True, text=True, check=True
    )
    assert "--server.address 0.0.0.0 " in given.stdout


def listening_addresses(port: int) -> set[str]:
    """The local addresses with a socket listening on ``port`` (from /proc/net/tcp{,6})."""
    found: set[str] = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].split(":")
            if fields[3] != "0A" or int(port_hex, 16) != port:  # 0A = LISTEN
                continue
            raw = bytes.fromhex(address)
            # The kernel prints each 32-bit word in host (little-endian) order.
            words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
            found.add(str(ipaddress.ip_address(words if width == 32 else words[:4])))
    return found


def serve_until_healthy(command: list[str], port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CAMPAIGN_DATA": str(ROOT / "data")}
    env.pop("CAMPAIGN_AUTH", None)  # local mode
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env,
            start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited:\n{log.read_text(errors='replace')}")
        if healthy(f"http://127.0.0.1:{port}"):
            return process
        time.sleep(0.25)
    stop(process)
    raise AssertionError(f"the server did not answer:\n{log.read_text(errors='replace')}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.mark.parametrize(
    "how",
    ["make run", "streamlit run without --server.address"],
)
def test_local_mode_listens_on_loopback_only(tmp_path, how):
    port = free_port()
    if how == "make run":
        command = make_run_command(f"PORT={port}", f"PY={sys.executable}")
    else:  # the default in .streamlit/config.toml
        command = [sys.executable, "-m", "streamlit", "run", "dashboard.py"]
        command += ["--server.port", str(port), "--server.headless", "true"]
    process = serve_until_healthy(command, port, tmp_path / "server.log")
    try:
        assert listening_addresses(port) == {"127.0.0.1"}
    finally:
        stop(process)


# ---------------------------------------------------------------- the log


def test_the_command_line_logs_with_time_level_and_logger(users_config, tmp_path):
    guard = auth.LoginGuard(users_config.attempts_path)
    for _ in range(5):
        auth.login(users_config, guard, "admin", "typo", "10.0.0.7", time.time())
    guard.close()
    # A real process, so nothing of pytest's logging set-up helps: an unlock is an audit event.
    done = subprocess.run(
        [sys.executable, "-m", "campaign", "users", "unlock", "admin"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, auth.ENV_VAR: str(users_config.source)},
    )
    assert done.returncode == 0, done.stderr
    assert re.search(
        r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} WARNING campaign\.auth: "
        r"unlocked from the command line: admin \(1 lock\(s\) lifted\)$",
        done.stderr,
        re.MULTILINE,
    ), done.stderr


# ---------------------------------------------------------------- a deleted targets.csv


def test_validate_warns_when_targets_csv_is_missing(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    (data / "extracts").symlink_to(ROOT / "data" / "extracts", target_is_directory=True)
    assert cli.main(["validate", "--data", str(data)]) == 0  # a warning, not an error
    out = capsys.readouterr().out
    assert f"注意 targets.csv  找不到目标表 {data / 'targets.csv'}" in out
    assert "所有指标都将显示「无目标」" in out
    assert out.rstrip().endswith("0 个错误，1 个警告，0 条提示")  # the shipped extracts have none
    assert cli.main(["validate", "--data", str(data), "--json", "--lang", "en"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["warnings"] == 1
    (planning,) = report["planning"]
    assert planning["path"] == "targets.csv" and "no targets file" in planning["reason"]
    # With the file back, the warning is gone.
    (data / "targets.csv").symlink_to(ROOT / "data" / "targets.csv")
    assert cli.main(["validate", "--data", str(data)]) == 0
    assert capsys.readouterr().out.rstrip().endswith("0 个错误，0 个警告，0 条提示")


@pytest.mark.parametrize(
    ("address", "exposed"),
    [
        ("127.0.0.1", False),
        ("127.0.1.1", False),
        ("::1", False),
        ("[::1]", False),
        ("localhost", False),
        ("", True),  # Streamlit's "every interface"
        (None, True),
        ("0.0.0.0", True),
        ("::", True),
        ("10.0.0.5", True),
        ("dashboard.example", True),
    ],
)
def test_local_mode_is_called_exposed_on_any_address_but_loopback(address, exposed):
    assert auth.serves_network(address) is exposed
