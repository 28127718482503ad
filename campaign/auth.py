"""Sign-in for the intranet link: the auth config, the users file, password hashes,
failed-login limits, session tokens and the trusted proxy header.  No Streamlit here;
``app_pages/_staff.py`` reads the request and calls these functions.

Modes (``mode`` in the TOML file named by ``CAMPAIGN_AUTH``; no variable = ``local``):

- ``local``: no login; the person at the keyboard is the local admin (a "本地模式" badge).
- ``users``: a users file with argon2id hashes; a login form; an HMAC-signed session token
  in a cookie so a reload stays signed in; failed logins rate-limited and logged.
- ``oidc``: the organisation's identity provider through ``st.login`` (Streamlit's
  ``[auth]`` secrets); the identity's claim (``email``) is mapped to a role here.
- ``header``: a reverse proxy that has already authenticated the user sets a header
  (``X-Remote-User``); it is believed only when the connection comes from one of
  ``trusted_proxies``.

Whatever goes wrong with a configured file (unreadable, unknown key, no secret) raises
:class:`AuthConfigError`: the app then refuses everyone rather than falling back to local
mode, which would let everyone in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import logging
import os
import re
import secrets
import sqlite3
import threading
import time
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from campaign.access import ROLES, User
from campaign.contracts import DISTRICTS, district_lookup

log = logging.getLogger("campaign.auth")

ENV_VAR = "CAMPAIGN_AUTH"
MODES: tuple[str, ...] = ("local", "users", "oidc", "header")
MIN_SECRET_BYTES = 32
ATTEMPTS_FILENAME = "login_attempts.sqlite3"
_COOKIE_NAME = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")
_HEADER_NAME = re.compile(r"^[A-Za-z0-9\-]{1,64}$")
_USER_NAME = re.compile(r"^[^\s\x00-\x1f\x7f\"'\\<>&]{1,64}$")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class AuthConfigError(ValueError):
    """The auth config or users file cannot be used; nobody is let in until it is fixed."""


class Refused(Exception):
    """A sign-in or a request refused; ``reason`` is the key of the message shown."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


# ---------------------------------------------------------------- configuration


@dataclass(frozen=True)
class Person:
    """Role and district of an identity from the proxy header or the identity provider."""

    role: str
    district: str | None = None
    display_name: str | None = None


@dataclass(frozen=True)
class AuthConfig:
    """The auth settings; :func:`load_config` reads them from TOML."""

    mode: str = "local"
    source: Path | None = None
    users_file: Path | None = None
    secret: bytes = field(default=b"", repr=False)
    session_hours: float = 12.0
    cookie_name: str = "kh_session"
    trusted_proxies: tuple[Network, ...] = ()
    user_header: str = "X-Remote-User"
    client_ip_header: str = "X-Real-IP"
    people: Mapping[str, Person] = field(default_factory=dict)
    default_role: str | None = None
    oidc_provider: str | None = None
    oidc_claim: str = "email"
    max_failures: int = 5
    failure_window_minutes: float = 10.0
    lockout_minutes: float = 10.0
    state_dir: Path | None = None

    @property
    def is_local(self) -> bool:
        return self.mode == "local"

    @property
    def session_seconds(self) -> int:
        return int(self.session_hours * 3600)

    @property
    def attempts_path(self) -> Path | None:
        return self.state_dir / ATTEMPTS_FILENAME if self.state_dir else None


LOCAL_CONFIG = AuthConfig()

_KNOWN_KEYS = {
    "mode",
    "users_file",
    "secret",
    "secret_file",
    "session_hours",
    "cookie_name",
    "trusted_proxies",
    "user_header",
    "client_ip_header",
    "people",
    "default_role",
    "oidc_provider",
    "oidc_claim",
    "max_failures",
    "failure_window_minutes",
    "lockout_minutes",
    "state_dir",
}


def config_path(environ: Mapping[str, str] | None = None) -> Path | None:
    """The auth config file named by ``CAMPAIGN_AUTH``, or None for local mode."""
    value = (environ if environ is not None else os.environ).get(ENV_VAR, "").strip()
    return Path(value) if value else None


def load_config(
    path: Path | None = None, *, environ: Mapping[str, str] | None = None
) -> AuthConfig:
    """Read the auth config (``path``, else ``CAMPAIGN_AUTH``); no file named = local mode.

    Relative paths inside the file (``users_file``, ``secret_file``, ``state_dir``) are
    relative to the file's folder.
    """
    path = path or config_path(environ)
    if path is None:
        return LOCAL_CONFIG
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise AuthConfigError(f"{path}: {exc}") from exc
    return parse_config(raw, path)


def parse_config(raw: Mapping[str, object], source: Path) -> AuthConfig:
    """The config in the TOML table ``raw`` read from ``source`` (checked, or an error)."""
    unknown = sorted(set(raw) - _KNOWN_KEYS)
    if unknown:
        raise AuthConfigError(f"{source}: unknown setting(s) {', '.join(unknown)}")
    base = source.parent
    mode = str(raw.get("mode", "local"))
    if mode not in MODES:
        raise AuthConfigError(f"{source}: mode must be one of {', '.join(MODES)}, not {mode!r}")

    def number(key: str, default: float, minimum: float) -> float:
        value = raw.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
            raise AuthConfigError(f"{source}: {key} must be a number ≥ {minimum}")
        return float(value)

    def text(key: str, default: str, pattern: re.Pattern[str] | None = None) -> str:
        value = raw.get(key, default)
        if not isinstance(value, str) or (pattern and not pattern.match(value)):
            raise AuthConfigError(f"{source}: {key} {value!r} is not valid")
        return value

    def folder(key: str) -> Path | None:
        value = raw.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value:
            raise AuthConfigError(f"{source}: {key} must be a path")
        return (base / value).resolve()

    config = AuthConfig(
        mode=mode,
        source=source,
        users_file=folder("users_file"),
        secret=_read_secret(raw, base, source),
        session_hours=number("session_hours", 12.0, 0.01),
        cookie_name=text("cookie_name", "kh_session", _COOKIE_NAME),
        trusted_proxies=parse_networks(raw.get("trusted_proxies", []), source),
        user_header=text("user_header", "X-Remote-User", _HEADER_NAME),
        client_ip_header=text("client_ip_header", "X-Real-IP", _HEADER_NAME),
        people=_parse_people(raw.get("people", {}), source),
        default_role=_role_or_none(raw.get("default_role"), source, "default_role"),
        oidc_provider=str(raw["oidc_provider"]) if raw.get("oidc_provider") else None,
        oidc_claim=text("oidc_claim", "email"),
        max_failures=int(number("max_failures", 5, 1)),
        failure_window_minutes=number("failure_window_minutes", 10.0, 0.01),
        lockout_minutes=number("lockout_minutes", 10.0, 0.01),
        state_dir=folder("state_dir") or base,
    )
    if mode == "users":
        if config.users_file is None:
            raise AuthConfigError(f'{source}: mode = "users" needs users_file')
        if len(config.secret) < MIN_SECRET_BYTES:
            raise AuthConfigError(
                f'{source}: mode = "users" needs secret or secret_file of at least '
                f"{MIN_SECRET_BYTES} bytes (campaign users secret makes one)"
            )
    if mode == "header" and not config.trusted_proxies:
        raise AuthConfigError(f'{source}: mode = "header" needs trusted_proxies')
    return config


def _read_secret(raw: Mapping[str, object], base: Path, source: Path) -> bytes:
    if raw.get("secret") and raw.get("secret_file"):
        raise AuthConfigError(f"{source}: give secret or secret_file, not both")
    if raw.get("secret_file"):
        path = base / str(raw["secret_file"])
        try:
            return path.read_bytes().strip()
        except OSError as exc:
            raise AuthConfigError(f"{source}: secret_file: {exc}") from exc
    return str(raw.get("secret", "")).encode("utf-8")


def parse_networks(value: object, source: Path | str = "config") -> tuple[Network, ...]:
    """Addresses and CIDR blocks (``127.0.0.1``, ``10.0.0.0/8``, ``::1``) as networks."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise AuthConfigError(f"{source}: trusted_proxies must be a list of addresses")
    networks = []
    for item in value:
        try:
            networks.append(ipaddress.ip_network(str(item).strip(), strict=False))
        except ValueError as exc:
            raise AuthConfigError(f"{source}: trusted_proxies: {exc}") from exc
    return tuple(networks)


def normalise_district(value: object, where: str) -> str | None:
    """An official district name (aliases accepted), None for empty; unknown = error."""
    if value is None or value == "":
        return None
    name = district_lookup().get(str(value).strip())
    if name is None or name not in DISTRICTS:
        raise AuthConfigError(f"{where}: unknown district {value!r}")
    return name


def _role_or_none(value: object, source: Path, key: str) -> str | None:
    if value is None or value == "":
        return None
    if value not in ROLES:
        raise AuthConfigError(f"{source}: {key} must be one of {', '.join(ROLES)}")
    return str(value)


def _parse_people(value: object, source: Path) -> dict[str, Person]:
    if not isinstance(value, dict):
        raise AuthConfigError(f"{source}: [people] must be a table")
    people: dict[str, Person] = {}
    for identity, entry in value.items():
        where = f"{source}: people.{identity}"
        if not isinstance(entry, dict):
            raise AuthConfigError(f"{where} must be a table with role (and district)")
        role = _role_or_none(entry.get("role"), source, f"people.{identity}.role")
        if role is None:
            raise AuthConfigError(f"{where} needs a role")
        people[normalise_name(identity)] = Person(
            role=role,
            district=normalise_district(entry.get("district"), where),
            display_name=str(entry["display_name"]) if entry.get("display_name") else None,
        )
    return people


def normalise_name(name: str) -> str:
    """A login name as compared: full-width forms folded (NFKC), trimmed, case-folded."""
    return unicodedata.normalize("NFKC", name).strip().casefold()


# ---------------------------------------------------------------- passwords


# argon2id with the library's defaults (RFC 9106 "low memory": t=3, m=64 MiB, p=4).
_hasher = PasswordHasher()
_dummy_hash: str | None = None


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (a fresh random salt each time)."""
    if not password:
        raise ValueError("empty password")
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; any malformed hash is a mismatch."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _spend_a_verification(password: str) -> None:
    """Verify against a dummy hash so an unknown name takes as long as a wrong password."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash(secrets.token_hex(16))
    verify_password(_dummy_hash, password)


def hash_fingerprint(password_hash: str) -> str:
    """A short digest of a stored hash: tokens carry it, so a new password ends old sessions."""
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:16]


# ---------------------------------------------------------------- the users file


@dataclass(frozen=True)
class UserRecord:
    """One line of the users file."""

    name: str
    password_hash: str = field(repr=False)
    role: str
    district: str | None = None
    display_name: str | None = None

    def user(self) -> User:
        return User(self.name, self.role, self.district, self.display_name)


def check_user_name(name: str) -> str:
    """The normalised login name, or ValueError when it cannot be one."""
    normalised = normalise_name(name)
    if not _USER_NAME.match(normalised):
        raise ValueError(f"not a usable login name: {name!r}")
    return normalised


def load_users(path: Path) -> dict[str, UserRecord]:
    """The users file (TOML: one ``[users.NAME]`` table each with hash, role, district,
    display_name).  A plain-text or unknown kind of password is an error, never compared."""
    if not path.exists():
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise AuthConfigError(f"{path}: {exc}") from exc
    users: dict[str, UserRecord] = {}
    for name, entry in (raw.get("users") or {}).items():
        where = f"{path}: users.{name}"
        if not isinstance(entry, dict):
            raise AuthConfigError(f"{where} must be a table")
        password_hash = str(entry.get("hash", ""))
        if not password_hash.startswith("$argon2"):
            raise AuthConfigError(f"{where}: hash must be an argon2 hash (never a password)")
        role = entry.get("role")
        if role not in ROLES:
            raise AuthConfigError(f"{where}: role must be one of {', '.join(ROLES)}")
        try:
            key = check_user_name(name)
        except ValueError as exc:
            raise AuthConfigError(f"{where}: {exc}") from exc
        users[key] = UserRecord(
            name=key,
            password_hash=password_hash,
            role=str(role),
            district=normalise_district(entry.get("district"), where),
            display_name=str(entry["display_name"]) if entry.get("display_name") else None,
        )
    return users


def _toml_string(value: str) -> str:
    # A JSON string is a valid TOML basic string (same escapes, \uXXXX included).
    return json.dumps(value, ensure_ascii=False)


def users_toml(users: Iterable[UserRecord]) -> str:
    """The users file's text for ``users`` (sorted by name)."""
    lines = [
        "# 攻势看板 users: argon2id hashes only (campaign users add NAME --role ROLE).",
        "",
    ]
    for record in sorted(users, key=lambda r: r.name):
        lines.append(f"[users.{_toml_string(record.name)}]")
        lines.append(f"hash = {_toml_string(record.password_hash)}")
        lines.append(f"role = {_toml_string(record.role)}")
        if record.district:
            lines.append(f"district = {_toml_string(record.district)}")
        if record.display_name:
            lines.append(f"display_name = {_toml_string(record.display_name)}")
        lines.append("")
    return "\n".join(lines)


def save_users(path: Path, users: Iterable[UserRecord]) -> None:
    """Write the users file atomically, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(users_toml(users))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def put_user(
    path: Path,
    name: str,
    role: str,
    *,
    password: str | None = None,
    district: str | None = None,
    display_name: str | None = None,
) -> UserRecord:
    """Add a user or change one (a new password only when ``password`` is given)."""
    key = check_user_name(name)
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    users = load_users(path)
    existing = users.get(key)
    if password:
        password_hash = hash_password(password)
    elif existing is not None:
        password_hash = existing.password_hash
    else:
        raise ValueError("a new user needs a password")
    record = UserRecord(
        name=key,
        password_hash=password_hash,
        role=role,
        district=normalise_district(district, "district"),
        display_name=display_name or None,
    )
    users[key] = record
    save_users(path, users.values())
    return record


def remove_user(path: Path, name: str) -> bool:
    """Remove a user; False when there was none of that name."""
    users = load_users(path)
    if users.pop(normalise_name(name), None) is None:
        return False
    save_users(path, users.values())
    return True


# ---------------------------------------------------------------- failed logins


def name_key(name: str, address: str) -> str:
    """The failure count a wrong password adds to besides the address's own: this name *from
    this address*.  Counting per name alone would let anyone anywhere lock the administrator
    out with five guesses; per pair, the guesser locks only themselves (and their address
    after five guesses at any names).  ``python -m campaign users unlock NAME`` lifts it."""
    return f"user:{name}@{address}"


class LoginGuard:
    """Failed-login counts and ended sessions, shared by every process of the server.

    A SQLite file in the config's ``state_dir`` (each dashboard process behind nginx sees
    the same counts, so rotating between processes does not buy extra guesses); ``None``
    keeps them in memory (tests, one process).
    """

    def __init__(self, path: Path | None) -> None:
        self._lock = threading.Lock()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(
            str(path) if path else ":memory:",
            timeout=10,
            isolation_level=None,
            check_same_thread=False,
        )
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS failures (key TEXT, at REAL)")
            self._db.execute("CREATE INDEX IF NOT EXISTS failures_key ON failures (key, at)")
            self._db.execute("CREATE TABLE IF NOT EXISTS locks (key TEXT PRIMARY KEY, until REAL)")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS ended (session TEXT PRIMARY KEY, until REAL)"
            )

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def locked_for(self, keys: Iterable[str], now: float) -> float:
        """Seconds until every key in ``keys`` may try again (0 = not locked)."""
        keys = list(keys)
        if not keys:
            return 0.0
        marks = ",".join("?" * len(keys))
        with self._lock:
            row = self._db.execute(
                f"SELECT max(until) FROM locks WHERE key IN ({marks})", keys
            ).fetchone()
        until = row[0] if row and row[0] is not None else 0.0
        return max(0.0, until - now)

    def failure(self, keys: Iterable[str], now: float, config: AuthConfig) -> bool:
        """Count a failure for each key; True when that locked one of them."""
        window = config.failure_window_minutes * 60
        locked = False
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("DELETE FROM failures WHERE at < ?", (now - window,))
                for key in keys:
                    self._db.execute("INSERT INTO failures VALUES (?, ?)", (key, now))
                    (count,) = self._db.execute(
                        "SELECT count(*) FROM failures WHERE key = ?", (key,)
                    ).fetchone()
                    if count >= config.max_failures:
                        until = now + config.lockout_minutes * 60
                        self._db.execute("INSERT OR REPLACE INTO locks VALUES (?, ?)", (key, until))
                        self._db.execute("DELETE FROM failures WHERE key = ?", (key,))
                        locked = True
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return locked

    def unlock(self, name: str | None = None, address: str | None = None) -> int:
        """Lift the locks (and forget the failures) of ``name`` from every address, and of
        ``address``; returns how many locks were in force (expired ones are not counted)."""
        clauses, params = [], []
        if name is not None:
            prefix = f"user:{normalise_name(name)}@"
            clauses.append("substr(key, 1, ?) = ?")
            params += [len(prefix), prefix]
        if address is not None:
            clauses.append("key = ?")
            params.append(f"addr:{address}")
        if not clauses:
            return 0
        where = " OR ".join(clauses)
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                (lifted,) = self._db.execute(
                    f"SELECT count(*) FROM locks WHERE ({where}) AND until > ?",
                    [*params, time.time()],
                ).fetchone()
                self._db.execute(f"DELETE FROM locks WHERE {where}", params)
                self._db.execute(f"DELETE FROM failures WHERE {where}", params)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return int(lifted)

    def success(self, key: str) -> None:
        """A correct password clears that name-and-address pair's failures (not the
        address's own)."""
        with self._lock:
            self._db.execute("DELETE FROM failures WHERE key = ?", (key,))

    def end_session(self, session_id: str, until: float, now: float | None = None) -> None:
        """Remember a signed-out session until its token would have expired anyway."""
        now = time.time() if now is None else now
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO ended VALUES (?, ?)", (session_id, until))
            self._db.execute("DELETE FROM ended WHERE until < ?", (now,))

    def session_ended(self, session_id: str) -> bool:
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM ended WHERE session = ?", (session_id,)
            ).fetchone()
        return row is not None


# ---------------------------------------------------------------- session tokens

TOKEN_VERSION = "v1"


@dataclass(frozen=True)
class Session:
    """A signed-in session: who, until when, its id (for sign-out) and password digest."""

    user: User
    expires_at: float
    session_id: str
    key: str = ""

    def expired(self, now: float) -> bool:
        return now >= self.expires_at


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: bytes, signed: str) -> str:
    return _b64(hmac.new(secret, signed.encode("ascii"), hashlib.sha256).digest())


def issue_token(
    secret: bytes, user: User, key: str, now: float, seconds: int
) -> tuple[str, Session]:
    """A token ``v1.<payload>.<HMAC-SHA256>`` for ``user`` valid for ``seconds``."""
    session = Session(user, now + seconds, secrets.token_urlsafe(12), key)
    payload = {
        "u": user.name,
        "r": user.role,
        "d": user.district,
        "n": user.display_name,
        "iat": int(now),
        "exp": int(session.expires_at),
        "sid": session.session_id,
        "k": key,
    }
    body = _b64(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    signed = f"{TOKEN_VERSION}.{body}"
    return f"{signed}.{_signature(secret, signed)}", session


def read_token(secret: bytes, token: str, now: float) -> Session:
    """The session in ``token``; :class:`Refused` ``malformed``, ``tampered`` or ``expired``."""
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != TOKEN_VERSION or not secret:
        raise Refused("malformed")
    signed = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(_signature(secret, signed), parts[2]):
        raise Refused("tampered")
    try:
        payload = json.loads(_unb64(parts[1]))
        user = User(payload["u"], payload["r"], payload.get("d"), payload.get("n"))
        session = Session(user, float(payload["exp"]), str(payload["sid"]), str(payload["k"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise Refused("malformed", str(exc)) from exc
    if session.expired(now):
        raise Refused("expired")
    return session


# ---------------------------------------------------------------- users-file sign-in


@dataclass(frozen=True)
class LoginResult:
    """What a login attempt gave: a session and its token, or the reason it was refused."""

    session: Session | None = None
    token: str | None = None
    refused: str | None = None
    retry_after: int = 0


def login(
    config: AuthConfig,
    guard: LoginGuard,
    name: str,
    password: str,
    address: str | None,
    now: float | None = None,
) -> LoginResult:
    """Check a name and password from the login form (the password is never logged).

    Refusals: ``empty``, ``locked`` (too many failures for this name from this address, or
    from this address for any names; the password is not even checked) and ``wrong``
    (unknown name or wrong password, which look the same from outside).
    """
    now = time.time() if now is None else now
    key = normalise_name(name)
    where = address or "unknown"
    if not key or not password:
        return LoginResult(refused="empty")
    keys = [name_key(key, where), f"addr:{where}"]
    locked = guard.locked_for(keys, now)
    if locked > 0:
        log.warning("login refused, locked: user=%r address=%s", key, where)
        return LoginResult(refused="locked", retry_after=int(locked) + 1)
    record = cached_users(config.users_file).get(key) if config.users_file else None
    if record is None:
        _spend_a_verification(password)
        ok = False
    else:
        ok = verify_password(record.password_hash, password)
    if not ok:
        now_locked = guard.failure(keys, now, config)
        log.warning(
            "login failed: user=%r address=%s known_user=%s", key, where, record is not None
        )
        if now_locked:
            log.warning(
                "login locked for %s minutes: user=%r address=%s",
                config.lockout_minutes,
                key,
                where,
            )
            return LoginResult(refused="locked", retry_after=int(config.lockout_minutes * 60))
        return LoginResult(refused="wrong")
    guard.success(name_key(key, where))
    assert record is not None
    token, session = issue_token(
        config.secret,
        record.user(),
        hash_fingerprint(record.password_hash),
        now,
        config.session_seconds,
    )
    log.info("login: user=%r role=%s address=%s", key, record.role, where)
    return LoginResult(session=session, token=token)


def restore_session(
    config: AuthConfig, guard: LoginGuard, token: str, now: float | None = None
) -> Session:
    """The session a cookie's token stands for, if it still holds (see :func:`recheck`).

    Refused (:class:`Refused`): ``malformed``, ``tampered`` or ``expired`` tokens, and
    whatever :func:`recheck` refuses.
    """
    now = time.time() if now is None else now
    return recheck(config, guard, read_token(config.secret, token, now), now)


def recheck(
    config: AuthConfig, guard: LoginGuard, session: Session, now: float | None = None
) -> Session:
    """The session with the user as the users file has them now (checked on every run).

    Refused: ``expired``, signed out (``ended``), the user since removed
    (``unknown_user``) or their password changed (``password_changed``).  Role and
    district come from the file, so an administrator's change applies at once.
    """
    now = time.time() if now is None else now
    if session.expired(now):
        raise Refused("expired")
    if guard.session_ended(session.session_id):
        raise Refused("ended")
    users = cached_users(config.users_file) if config.users_file else {}
    record = users.get(session.user.name)
    if record is None:
        raise Refused("unknown_user", session.user.name)
    if not hmac.compare_digest(hash_fingerprint(record.password_hash), session.key):
        raise Refused("password_changed")
    user = record.user()
    return session if user == session.user else replace(session, user=user)


_users_cache: dict[Path, tuple[tuple[int, int, int], dict[str, UserRecord]]] = {}
_users_cache_lock = threading.Lock()


def cached_users(path: Path) -> dict[str, UserRecord]:
    """:func:`load_users`, re-read only when the file changes (time, size or inode)."""
    try:
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)  # a rewrite is a new inode
    except OSError:
        stamp = (0, -1, 0)
    with _users_cache_lock:
        cached = _users_cache.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    users = load_users(path)
    with _users_cache_lock:
        _users_cache[path] = (stamp, users)
    return users


# ---------------------------------------------------------------- proxies and headers


def _header(headers: Mapping[str, str], name: str) -> str | None:
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def peer_is_trusted(config: AuthConfig, peer: str | None) -> bool:
    """Whether the connection's peer address is one of ``trusted_proxies``."""
    if not peer:
        return False
    try:
        address = ipaddress.ip_address(peer.split("%")[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in config.trusted_proxies)


def client_address(config: AuthConfig, peer: str | None, headers: Mapping[str, str]) -> str | None:
    """The browser's address: the proxy's ``client_ip_header`` when the peer is a trusted
    proxy, otherwise the peer itself (a header from anyone else is ignored)."""
    if peer_is_trusted(config, peer):
        forwarded = _header(headers, config.client_ip_header)
        if forwarded:
            candidate = forwarded.split(",")[0].strip()
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                log.warning(
                    "unparseable %s from proxy %s: %r", config.client_ip_header, peer, forwarded
                )
    return peer


def person_user(config: AuthConfig, identity: str, display_name: str | None = None) -> User:
    """The user an authenticated identity maps to: ``[people]``, else ``default_role``."""
    key = normalise_name(identity)
    person = config.people.get(key)
    if person is None:
        if config.default_role is None:
            raise Refused("unknown_user", key)
        person = Person(config.default_role)
    return User(key, person.role, person.district, person.display_name or display_name)


def header_user(config: AuthConfig, peer: str | None, headers: Mapping[str, str]) -> User:
    """The user named by the proxy's header; refused unless the peer is a trusted proxy.

    Refusals: ``untrusted_proxy`` (the header came from an unlisted address: a forgery,
    logged), ``no_header`` (a trusted proxy sent no name), ``unknown_user``.
    """
    identity = (_header(headers, config.user_header) or "").strip()
    if not peer_is_trusted(config, peer):
        if identity:
            log.warning(
                "refused %s=%r from untrusted address %s", config.user_header, identity, peer
            )
        raise Refused("untrusted_proxy", str(peer))
    if not identity:
        raise Refused("no_header")
    return person_user(config, identity)


def oidc_user(config: AuthConfig, claims: Mapping[str, object], now: float | None = None) -> User:
    """The user for the identity provider's claims (``st.user``).

    Refusals: ``signed_out``, ``no_claim`` (the configured claim is missing),
    ``unknown_user``, ``expired`` (signed in longer ago than ``session_hours``, when the
    provider says when: ``iat``).
    """
    now = time.time() if now is None else now
    if not claims.get("is_logged_in"):
        raise Refused("signed_out")
    identity = claims.get(config.oidc_claim)
    if not isinstance(identity, str) or not identity.strip():
        raise Refused("no_claim", config.oidc_claim)
    issued = claims.get("iat")
    if isinstance(issued, int | float) and now - float(issued) > config.session_seconds:
        raise Refused("expired")
    name = claims.get("name")
    return person_user(config, identity, name if isinstance(name, str) else None)


def serves_network(address: str | None) -> bool:
    """Whether a server bound to ``address`` is reachable from other machines (an empty
    address is every interface).  Local mode there means anyone on the network is an admin."""
    text = (address or "").strip().strip("[]")
    if text == "localhost":
        return False
    try:
        return not ipaddress.ip_address(text).is_loopback
    except ValueError:
        return True  # every interface (""), a host name or an address we cannot judge


def new_secret() -> str:
    """A random secret for signing session tokens (64 hex characters)."""
    return secrets.token_hex(32)
