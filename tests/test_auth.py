"""Sign-in rules (campaign.auth): hashes, the users file, wrong passwords, the failed-login
limit, session tokens (tampered, expired, signed out), the trusted proxy header, identity
provider claims, the config file and the `users` command.  No Streamlit."""

from __future__ import annotations

import base64
import io
import json
import logging
import stat
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from campaign import auth
from campaign.access import User
from campaign.cli import main as cli_main

SECRET = b"s" * 32
NOW = 1_700_000_000.0


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch):
    """argon2id with tiny cost, so the suite stays fast (the stored parameters travel in
    the hash, so verification follows them); production keeps the library's defaults."""
    monkeypatch.setattr(
        auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    monkeypatch.setattr(auth, "_dummy_hash", None)


@pytest.fixture
def users_file(tmp_path) -> Path:
    path = tmp_path / "users.toml"
    auth.put_user(path, "alice", "analyst", password="correct horse", display_name="王丽")
    auth.put_user(path, "bob", "viewer", password="battery staple", district="城阳")
    return path


@pytest.fixture
def config(tmp_path, users_file) -> auth.AuthConfig:
    return auth.AuthConfig(
        mode="users",
        users_file=users_file,
        secret=SECRET,
        session_hours=8,
        trusted_proxies=auth.parse_networks(["127.0.0.1", "10.20.0.0/16"]),
        max_failures=5,
        failure_window_minutes=10,
        lockout_minutes=10,
    )


@pytest.fixture
def guard() -> auth.LoginGuard:
    keeper = auth.LoginGuard(None)
    yield keeper
    keeper.close()


# ---------------------------------------------------------------- hashes and the users file


def test_a_password_is_stored_as_an_argon2id_hash_and_checked_against_it():
    stored = auth.hash_password("correct horse")
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    assert auth.hash_password("correct horse") != stored  # a fresh salt each time
    assert auth.verify_password(stored, "correct horse")
    assert not auth.verify_password(stored, "correct hors")
    assert not auth.verify_password("correct horse", "correct horse")  # plain text never matches
    assert not auth.verify_password("$argon2id$garbage", "x")


def test_the_users_file_holds_hashes_roles_and_districts_and_only_its_owner_reads_it(users_file):
    text = users_file.read_text(encoding="utf-8")
    assert "correct horse" not in text and "battery staple" not in text
    assert stat.S_IMODE(users_file.stat().st_mode) == 0o600
    users = auth.load_users(users_file)
    assert users["alice"].user() == User("alice", "analyst", None, "王丽")
    assert users["bob"].user() == User("bob", "viewer", "城阳区")  # 城阳 → the official name


def test_changing_a_user_keeps_the_password_unless_a_new_one_is_given(users_file):
    before = auth.load_users(users_file)["bob"].password_hash
    auth.put_user(users_file, "BOB", "steward")  # names compare case-insensitively
    after = auth.load_users(users_file)["bob"]
    assert (after.role, after.district, after.password_hash) == ("steward", None, before)
    with pytest.raises(ValueError, match="needs a password"):
        auth.put_user(users_file, "carol", "viewer")
    assert auth.remove_user(users_file, "alice") and not auth.remove_user(users_file, "alice")
    assert set(auth.load_users(users_file)) == {"bob"}


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('hash = "correct horse"\nrole = "viewer"', "argon2"),
        ('hash = "$argon2id$x"\nrole = "boss"', "role"),
        ('hash = "$argon2id$x"\nrole = "viewer"\ndistrict = "火星区"', "district"),
    ],
)
def test_a_users_file_with_a_plain_password_or_unknown_role_or_district_is_refused(
    tmp_path, entry, message
):
    path = tmp_path / "users.toml"
    path.write_text(f"[users.eve]\n{entry}\n", encoding="utf-8")
    with pytest.raises(auth.AuthConfigError, match=message):
        auth.load_users(path)


# ---------------------------------------------------------------- signing in


def test_the_right_password_signs_in_with_the_role_and_district_of_the_file(config, guard):
    result = auth.login(config, guard, "bob", "battery staple", "10.1.2.3", NOW)
    assert result.refused is None
    assert result.session.user == User("bob", "viewer", "城阳区")
    # 8 session hours = 28 800 s
    assert result.session.expires_at == NOW + 28_800
    assert auth.read_token(SECRET, result.token, NOW).user == result.session.user


def test_a_full_width_or_capitalised_name_is_the_same_user(config, guard):
    assert auth.login(config, guard, " ＢＯＢ ", "battery staple", None, NOW).session is not None


@pytest.mark.parametrize(
    ("name", "password", "reason"),
    [
        ("bob", "battery stapler", "wrong"),
        ("nobody", "battery staple", "wrong"),  # an unknown name looks the same
        ("bob", "", "empty"),
        ("", "battery staple", "empty"),
    ],
)
def test_a_wrong_password_or_unknown_name_is_refused(config, guard, name, password, reason):
    result = auth.login(config, guard, name, password, "10.1.2.3", NOW)
    assert (result.session, result.token, result.refused) == (None, None, reason)


def test_a_failed_login_is_logged_with_name_and_address_but_never_the_password(
    config, guard, caplog
):
    with caplog.at_level(logging.INFO, logger="campaign.auth"):
        auth.login(config, guard, "bob", "hunter2-secret", "10.1.2.3", NOW)
        auth.login(config, guard, "bob", "battery staple", "10.1.2.3", NOW)
    failed = [r for r in caplog.records if "login failed" in r.getMessage()]
    assert len(failed) == 1 and failed[0].levelno == logging.WARNING
    assert "'bob'" in failed[0].getMessage() and "10.1.2.3" in failed[0].getMessage()
    assert "hunter2-secret" not in caplog.text and "battery staple" not in caplog.text
    assert any("login: user='bob'" in r.getMessage() for r in caplog.records)


def test_five_failures_in_ten_minutes_lock_the_name_from_that_address_for_ten_minutes(
    config, guard
):
    for minute in range(4):  # failures at 0, 1, 2, 3 minutes: not yet locked
        assert (
            auth.login(config, guard, "bob", "guess", "10.1.2.3", NOW + 60 * minute).refused
            == "wrong"
        )
    fifth = auth.login(config, guard, "bob", "guess", "10.1.2.3", NOW + 240)
    assert (fifth.refused, fifth.retry_after) == ("locked", 600)
    # Locked there: even the right password from that address is refused unchecked.
    right = auth.login(config, guard, "bob", "battery staple", "10.1.2.3", NOW + 300)
    assert right.refused == "locked" and right.retry_after == 540 + 1  # 600 − 60 s, rounded up
    # The real bob at his own desk is not locked out by someone else's guesses.
    assert auth.login(config, guard, "bob", "battery staple", "10.9.9.9", NOW + 300).session
    # 10 minutes after the fifth failure (240 + 600 = 840 s) the lock is gone.
    assert auth.login(config, guard, "bob", "battery staple", "10.1.2.3", NOW + 840).session


def test_failures_older_than_the_window_do_not_count(config, guard):
    for minute in (0, 3, 6, 9):
        auth.login(config, guard, "bob", "guess", "10.1.2.3", NOW + 60 * minute)
    # At 11 min the failure at 0 min is outside the 10-minute window: 4 in the window.
    assert auth.login(config, guard, "bob", "guess", "10.1.2.3", NOW + 660).refused == "wrong"


def test_one_address_guessing_many_names_is_locked_but_others_are_not(config, guard):
    for name in ("a1", "a2", "a3", "a4", "a5"):
        auth.login(config, guard, name, "guess", "10.6.6.6", NOW)
    assert auth.login(config, guard, "alice", "correct horse", "10.6.6.6", NOW).refused == "locked"
    assert auth.login(config, guard, "alice", "correct horse", "10.1.2.3", NOW).session


def test_the_failed_login_counts_are_shared_by_the_server_processes(config, tmp_path):
    first, second = auth.LoginGuard(tmp_path / "a.sqlite3"), auth.LoginGuard(tmp_path / "a.sqlite3")
    try:
        for _ in range(3):
            auth.login(config, first, "bob", "guess", "10.1.2.3", NOW)
        for _ in range(2):
            auth.login(config, second, "bob", "guess", "10.1.2.3", NOW)
        assert (
            auth.login(config, first, "bob", "battery staple", "10.1.2.3", NOW).refused == "locked"
        )
    finally:
        first.close()
        second.close()


# ---------------------------------------------------------------- session tokens (the cookie)


def _forge(token: str, **changes: object) -> str:
    """The token with its payload changed and the old signature kept."""
    version, body, signature = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload.update(changes)
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return f"{version}.{base64.urlsafe_b64encode(raw).rstrip(b'=').decode()}.{signature}"


def test_a_tampered_token_is_refused(config, guard):
    token = auth.login(config, guard, "bob", "battery staple", None, NOW).token
    forged = [
        _forge(token, r="admin"),  # promote oneself
        _forge(token, d=None),  # lift the district limit
        _forge(token, exp=NOW + 10**9),  # live forever
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # another signature
    ]
    for bad in forged:
        with pytest.raises(auth.Refused) as refused:
            auth.restore_session(config, guard, bad, NOW + 1)
        assert refused.value.reason == "tampered"
    with pytest.raises(auth.Refused) as refused:
        auth.read_token(b"another secret of thirty-two bytes!", token, NOW + 1)
    assert refused.value.reason == "tampered"
    for junk in ("", "abc", "v1.x", "v2.a.b", "v1..", token + ".x"):
        with pytest.raises(auth.Refused):
            auth.restore_session(config, guard, junk, NOW)


def test_a_token_expires_after_the_session_hours(config, guard):
    token = auth.login(config, guard, "bob", "battery staple", None, NOW).token
    assert auth.restore_session(config, guard, token, NOW + 8 * 3600 - 1).user.name == "bob"
    with pytest.raises(auth.Refused) as refused:
        auth.restore_session(config, guard, token, NOW + 8 * 3600)
    assert refused.value.reason == "expired"


def test_signing_out_ends_the_token_everywhere(config, guard):
    result = auth.login(config, guard, "bob", "battery staple", None, NOW)
    guard.end_session(result.session.session_id, result.session.expires_at, NOW)
    with pytest.raises(auth.Refused) as refused:
        auth.restore_session(config, guard, result.token, NOW + 1)
    assert refused.value.reason == "ended"


def test_a_removed_user_or_a_new_password_ends_old_sessions_and_a_new_role_applies(
    config, guard, users_file
):
    bob = auth.login(config, guard, "bob", "battery staple", None, NOW).token
    alice = auth.login(config, guard, "alice", "correct horse", None, NOW).token
    auth.put_user(users_file, "alice", "admin", district="市南区")  # same password
    assert auth.restore_session(config, guard, alice, NOW + 1).user == User(
        "alice", "admin", "市南区"
    )
    auth.put_user(users_file, "bob", "viewer", password="a new password")
    with pytest.raises(auth.Refused, match="password_changed"):
        auth.restore_session(config, guard, bob, NOW + 1)
    auth.remove_user(users_file, "alice")
    with pytest.raises(auth.Refused, match="unknown_user"):
        auth.restore_session(config, guard, alice, NOW + 1)


# ---------------------------------------------------------------- trusted proxy header


@pytest.fixture
def header_config() -> auth.AuthConfig:
    return auth.AuthConfig(
        mode="header",
        trusted_proxies=auth.parse_networks(["127.0.0.1", "10.20.0.0/16", "::1"]),
        people={
            "zhang.wei": auth.Person("analyst"),
            "li.na": auth.Person("viewer", "莱西市", "李娜"),
        },
    )


def test_the_header_names_the_user_when_it_comes_from_a_trusted_proxy(header_config):
    user = auth.header_user(header_config, "10.20.3.4", {"x-remote-user": "Li.Na"})
    assert user == User("li.na", "viewer", "莱西市", "李娜")
    assert (
        auth.header_user(header_config, "::ffff:127.0.0.1", {"X-Remote-User": "zhang.wei"}).role
        == "analyst"
    )


@pytest.mark.parametrize("peer", ["10.9.9.9", "10.21.0.1", "192.168.1.5", None, "not-an-ip"])
def test_a_forged_header_from_an_unlisted_address_is_refused_and_logged(
    header_config, peer, caplog
):
    with caplog.at_level(logging.WARNING, logger="campaign.auth"):
        with pytest.raises(auth.Refused) as refused:
            auth.header_user(header_config, peer, {"X-Remote-User": "zhang.wei"})
    assert refused.value.reason == "untrusted_proxy"
    assert "untrusted address" in caplog.text and "zhang.wei" in caplog.text


def test_a_trusted_proxy_must_name_a_known_user(header_config):
    with pytest.raises(auth.Refused, match="no_header"):
        auth.header_user(header_config, "127.0.0.1", {})
    with pytest.raises(auth.Refused, match="unknown_user"):
        auth.header_user(header_config, "127.0.0.1", {"X-Remote-User": "stranger"})
    everyone = auth.AuthConfig(
        mode="header", trusted_proxies=header_config.trusted_proxies, default_role="viewer"
    )
    assert auth.header_user(everyone, "127.0.0.1", {"X-Remote-User": "stranger"}).role == "viewer"


def test_the_client_address_header_counts_only_from_a_trusted_proxy(header_config):
    headers = {"X-Real-IP": "10.1.2.3"}
    assert auth.client_address(header_config, "127.0.0.1", headers) == "10.1.2.3"
    assert auth.client_address(header_config, "10.9.9.9", headers) == "10.9.9.9"
    assert auth.client_address(header_config, "127.0.0.1", {"X-Real-IP": "junk"}) == "127.0.0.1"


# ---------------------------------------------------------------- identity provider (st.user)


def test_identity_provider_claims_map_to_roles_and_sessions_expire(header_config):
    config = auth.AuthConfig(mode="oidc", people=header_config.people, session_hours=1)
    claims = {"is_logged_in": True, "email": "Li.Na", "name": "Li Na", "iat": NOW}
    assert auth.oidc_user(config, claims, NOW + 60) == User("li.na", "viewer", "莱西市", "李娜")
    with pytest.raises(auth.Refused, match="expired"):
        auth.oidc_user(config, claims, NOW + 3601)
    with pytest.raises(auth.Refused, match="signed_out"):
        auth.oidc_user(config, {"is_logged_in": False}, NOW)
    with pytest.raises(auth.Refused, match="no_claim"):
        auth.oidc_user(config, {"is_logged_in": True}, NOW)
    with pytest.raises(auth.Refused, match="unknown_user"):
        auth.oidc_user(config, {**claims, "email": "x@y"}, NOW)


# ---------------------------------------------------------------- the config file


def test_no_config_is_local_mode():
    assert auth.load_config(environ={}).is_local


def test_a_users_config_reads_relative_paths_and_the_secret_file(tmp_path):
    (tmp_path / "secret").write_text("k" * 64 + "\n")
    path = tmp_path / "auth.toml"
    path.write_text(
        'mode = "users"\nusers_file = "users.toml"\nsecret_file = "secret"\nsession_hours = 4\n'
        'trusted_proxies = ["127.0.0.1"]\n[people."Zhang@City.gov.cn"]\nrole = "admin"\n'
        'district = "黄岛区"\n',
        encoding="utf-8",
    )
    config = auth.load_config(environ={"CAMPAIGN_AUTH": str(path)})
    assert (config.mode, config.users_file, config.secret) == (
        "users",
        tmp_path / "users.toml",
        b"k" * 64,
    )
    assert config.session_seconds == 4 * 3600 and config.attempts_path.parent == tmp_path
    assert config.people["zhang@city.gov.cn"] == auth.Person("admin", "西海岸新区")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('mode = "magic"', "mode"),
        ('mode = "users"\nusers_file = "u.toml"', "secret"),
        ('mode = "users"\nusers_file = "u.toml"\nsecret = "short"', "secret"),
        ('mode = "users"\nsecret = "' + "k" * 40 + '"', "users_file"),
        ('mode = "header"', "trusted_proxies"),
        ('mode = "header"\ntrusted_proxies = ["10.0.0.300"]', "trusted_proxies"),
        ('mode = "local"\ntrusted_proxy = ["127.0.0.1"]', "unknown setting"),
        ('mode = "header"\ntrusted_proxies = ["::1"]\ncookie_name = "a b"', "cookie_name"),
        ("mode = ", "auth.toml"),
    ],
)
def test_a_broken_config_is_an_error_never_local_mode(tmp_path, text, message):
    path = tmp_path / "auth.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(auth.AuthConfigError, match=message):
        auth.load_config(path)
    with pytest.raises(auth.AuthConfigError):
        auth.load_config(tmp_path / "missing.toml")


# ---------------------------------------------------------------- python -m campaign users


def test_the_users_command_adds_lists_and_removes_users(tmp_path, monkeypatch, capsys):
    path = tmp_path / "users.toml"
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    code = cli_main(
        [
            "users",
            "add",
            "zhao",
            "--role",
            "viewer",
            "--district",
            "城阳区",
            "--display-name",
            "赵敏",
            "--users-file",
            str(path),
        ]
    )
    assert code == 0
    assert auth.verify_password(auth.load_users(path)["zhao"].password_hash, "a long password")
    assert cli_main(["users", "list", "--users-file", str(path)]) == 0
    out = capsys.readouterr().out
    assert "zhao\tviewer\t城阳区\t赵敏" in out and "argon2" not in out
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert cli_main(["users", "add", "qian", "--role", "viewer", "--users-file", str(path)]) == 2
    assert cli_main(["users", "remove", "zhao", "--users-file", str(path)]) == 0
    assert auth.load_users(path) == {}
    assert cli_main(["users", "secret"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()[-1]) == 64
