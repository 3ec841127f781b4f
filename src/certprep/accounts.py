"""Accounts for a shared server: argon2 password hashes, server-side sessions, sign-in limits.

Everything lives in the database, so several app processes can serve one database. A session
cookie carries a random token; the table keeps only its SHA-256, so a leaked database holds no
usable session.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import secrets
import uuid

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, delete, func, select, text

from certprep.engine.attempts import Clock, utcnow
from certprep.errors import CertprepError, UnknownChoice
from certprep.store.db import Store
from certprep.store.models import SignInAttempt, User, WebSession

SESSION_DAYS = 14
AUTHOR, LEARNER = "author", "learner"  # the first account is the author; `certprep users grant-author`
MIN_PASSWORD, MAX_PASSWORD, MAX_EMAIL = 10, 1024, 254
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Sign-in limits. Failures count per account *and* address, so guesses from one address never
# lock the owner out from another; each failure past the limit doubles the wait (backoff). One
# address guessing at many accounts has a limit of its own. Changing a password counts the
# same way, and so does being told at sign-up that an address is taken.
PAIR_FAILURES = 5  # per account and client address …
CLIENT_FAILURES = 20  # … and per client address over all accounts …
SIGNUP_TAKEN = 5  # … and "this email has an account" answers per client address
WINDOW = dt.timedelta(hours=24)  # failures older than this are forgotten
BACKOFF = dt.timedelta(minutes=15)  # the first wait; it doubles with each failure past the limit
MAX_WAIT = dt.timedelta(hours=24)


_SESSION_OF = (select(WebSession.expires_at, User.id, User.email, User.role).join(User, User.id == WebSession.user_id)
               .where(WebSession.token_hash == bindparam("token_hash")))


class AccountError(CertprepError):
    """A sign-up or sign-in the user can correct (the message says how)."""


class TooManyAttempts(AccountError):
    pass


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def _minutes(wait: dt.timedelta) -> str:
    n = max(1, math.ceil(wait.total_seconds() / 60))
    return f"{n} minute{'s' if n != 1 else ''}"


class Accounts:
    def __init__(self, store: Store, clock: Clock = utcnow) -> None:
        self.store, self.clock = store, clock
        self.hasher = PasswordHasher()
        # Verified against when the email is unknown, so that an unknown email takes as long
        # to refuse as a wrong password (no account enumeration by timing).
        self.dummy_hash = self.hasher.hash(secrets.token_urlsafe(16))

    # ---- limits

    def _wait(self, s, key: str, limit: int, now: dt.datetime) -> dt.timedelta | None:
        """How long `key` must still wait: None under the limit, else a doubling backoff from its
        latest failure."""
        times = s.scalars(select(SignInAttempt.at).where(SignInAttempt.key == key,
                                                         SignInAttempt.at > now - WINDOW)).all()
        if len(times) < limit:
            return None
        wait = min(BACKOFF * 2 ** (len(times) - limit), MAX_WAIT)
        left = max(_utc(t) for t in times) + wait - now
        return left if left > dt.timedelta(0) else None

    def _guard(self, limits: list[tuple[str, int, str]]) -> list[SignInAttempt]:
        """Refuse while any (key, limit, who) is over its limit; otherwise count this attempt as
        a failure before the (slow) password check, so that parallel guesses cannot slip past.
        The caller forgives it on success."""
        now = self.clock()
        with self.store.session.begin() as s:
            if s.bind.dialect.name == "postgresql":  # SQLite's IMMEDIATE transaction already serialises this
                s.execute(text("LOCK TABLE sign_in_attempts IN EXCLUSIVE MODE"))
            for key, limit, who in limits:
                wait = self._wait(s, key, limit, now)
                if wait is not None:
                    raise TooManyAttempts(f"too many failed sign-ins {who}; try again in {_minutes(wait)}")
            pending = [SignInAttempt(key=key, at=now) for key, _, _ in limits]
            s.add_all(pending)
        return pending

    def _forgive(self, pending: list[SignInAttempt], clear: str | None = None) -> None:
        with self.store.session.begin() as s:
            s.execute(delete(SignInAttempt).where(SignInAttempt.id.in_([p.id for p in pending])))
            if clear:
                s.execute(delete(SignInAttempt).where(SignInAttempt.key == clear))

    @staticmethod
    def _check_fields(email: str, password: str) -> str:
        email = email.strip().lower()
        if len(email) > MAX_EMAIL or not EMAIL.match(email):
            raise AccountError(f"enter an email address such as name@example.com (at most {MAX_EMAIL} characters)")
        if len(password) > MAX_PASSWORD:
            raise AccountError(f"choose a password of at most {MAX_PASSWORD} characters")
        return email

    # ---- accounts

    def sign_up(self, email: str, password: str, client: str = "unknown") -> str:
        email = self._check_fields(email, password)
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"choose a password of at least {MIN_PASSWORD} characters")
        taken_key = f"signup-taken:{client}"
        with self.store.read.begin() as s:  # checked first: a blocked address learns nothing
            wait = self._wait(s, taken_key, SIGNUP_TAKEN, self.clock())
        if wait is not None:
            raise TooManyAttempts(f"too many sign-ups from this address; try again in {_minutes(wait)}")
        password_hash = self.hasher.hash(password)  # slow on purpose: before taking the write lock
        with self.store.session.begin() as s:
            if s.bind.dialect.name == "postgresql":  # two first sign-ups at once: one author only
                s.execute(text("LOCK TABLE users IN EXCLUSIVE MODE"))
            if s.scalar(select(User.id).where(User.email == email)) is None:
                first = s.scalar(select(func.count()).select_from(User)) == 0
                user = User(id=uuid.uuid4().hex, email=email, password_hash=password_hash, created_at=self.clock(),
                            role=AUTHOR if first else LEARNER)
                s.add(user)
                return user.id
        with self.store.session.begin() as s:  # its own transaction: the refusal must be counted
            s.add(SignInAttempt(key=taken_key, at=self.clock()))
        raise AccountError("an account with this email exists; sign in instead")

    def sign_in(self, email: str, password: str, client: str) -> str:
        """Check the password and return the user id; refuse while a limit is reached."""
        email = self._check_fields(email, password)
        pair = f"pair:{email}|{client}"
        pending = self._guard([(pair, PAIR_FAILURES, "for this account from this address"),
                               (f"client:{client}", CLIENT_FAILURES, "from this address")])
        with self.store.read.begin() as s:
            user = s.scalar(select(User).where(User.email == email))
            found = (user.id, user.password_hash) if user is not None else None
        if not self._verify(found[1] if found else self.dummy_hash, password) or found is None:
            raise AccountError("wrong email or password")
        rehashed = self.hasher.hash(password) if self.hasher.check_needs_rehash(found[1]) else None
        self._forgive(pending, clear=pair)
        if rehashed:
            with self.store.session.begin() as s:
                s.get(User, found[0]).password_hash = rehashed
        return found[0]

    def _verify(self, hashed: str, password: str) -> bool:
        try:
            return self.hasher.verify(hashed, password)
        except (VerificationError, InvalidHashError):
            return False

    def change_password(self, user_id: str, current: str, new: str, client: str = "unknown") -> None:
        """Limited like sign-in: a stolen session must not get unlimited guesses at the password."""
        if len(new) < MIN_PASSWORD:
            raise AccountError(f"choose a password of at least {MIN_PASSWORD} characters")
        if len(new) > MAX_PASSWORD or len(current) > MAX_PASSWORD:
            raise AccountError(f"choose a password of at most {MAX_PASSWORD} characters")
        with self.store.read.begin() as s:
            user = s.get(User, user_id)
            old_hash, email = user.password_hash, user.email
        pair = f"pair:{email}|{client}"
        pending = self._guard([(pair, PAIR_FAILURES, "for this account from this address"),
                               (f"client:{client}", CLIENT_FAILURES, "from this address")])
        if not self._verify(old_hash, current):
            raise AccountError("the current password is wrong")
        self._forgive(pending, clear=pair)
        new_hash = self.hasher.hash(new)
        with self.store.session.begin() as s:
            user = s.get(User, user_id)
            if user.password_hash != old_hash:  # changed meanwhile by another request: verify again
                raise AccountError("the password was just changed elsewhere; sign in again")
            user.password_hash = new_hash
            s.execute(delete(WebSession).where(WebSession.user_id == user_id))  # sign out everywhere

    # ---- sessions

    def open_session(self, user_id: str) -> str:
        token = secrets.token_urlsafe(32)
        now = self.clock()
        with self.store.session.begin() as s:
            s.add(WebSession(token_hash=_digest(token), user_id=user_id, created_at=now,
                             expires_at=now + dt.timedelta(days=SESSION_DAYS)))
        return token

    def session_of(self, token: str | None) -> tuple[str, str, str] | None:
        """(user id, email, role) of an open session, in one query (every page shows the email)."""
        if not token:
            return None
        with self.store.reader.connect() as conn:  # every request asks: plain rows, a prebuilt statement
            row = conn.execute(_SESSION_OF, {"token_hash": _digest(token)}).first()
        if row is None or _utc(row.expires_at) <= self.clock():
            return None
        return row.id, row.email, row.role

    # ---- roles

    def grant_author(self, email: str) -> None:
        """Let an account read item statistics (every learner's choices) and calibrate."""
        with self.store.session.begin() as s:
            user = s.scalar(select(User).where(User.email == email.strip().lower()))
            if user is None:
                raise UnknownChoice("account", email, s.scalars(select(User.email).order_by(User.email)).all())
            user.role = AUTHOR

    def users(self) -> list[tuple[str, str]]:
        """(email, role) of every account, oldest first."""
        with self.store.read.begin() as s:
            return [(r.email, r.role) for r in s.execute(select(User.email, User.role).order_by(User.created_at))]

    def close_session(self, token: str | None) -> None:
        if token:
            with self.store.session.begin() as s:
                s.execute(delete(WebSession).where(WebSession.token_hash == _digest(token)))
