"""Accounts for a shared server: argon2 password hashes, server-side sessions, sign-in limits.

Everything lives in the database, so several app processes can serve one database. A session
cookie carries a random token; the table keeps only its SHA-256, so a leaked database holds no
usable session.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import uuid

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, text

from certprep.engine.attempts import Clock, utcnow
from certprep.errors import CertprepError
from certprep.store.db import Store
from certprep.store.models import SignInAttempt, User, WebSession

SESSION_DAYS = 14
MAX_FAILURES = 5  # per email and per client address …
FAILURE_WINDOW = dt.timedelta(minutes=15)  # … in this window
MIN_PASSWORD = 10
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AccountError(CertprepError):
    """A sign-up or sign-in the user can correct (the message says how)."""


class TooManyAttempts(AccountError):
    pass


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


class Accounts:
    def __init__(self, store: Store, clock: Clock = utcnow) -> None:
        self.store, self.clock = store, clock
        self.hasher = PasswordHasher()

    def sign_up(self, email: str, password: str) -> str:
        email = email.strip().lower()
        if not EMAIL.match(email):
            raise AccountError("enter an email address such as name@example.com")
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"choose a password of at least {MIN_PASSWORD} characters")
        password_hash = self.hasher.hash(password)  # slow on purpose: before taking the write lock
        with self.store.session.begin() as s:
            if s.scalar(select(User.id).where(User.email == email)):
                raise AccountError("an account with this email exists; sign in instead")
            user = User(id=uuid.uuid4().hex, email=email, password_hash=password_hash, created_at=self.clock())
            s.add(user)
            return user.id

    def sign_in(self, email: str, password: str, client: str) -> str:
        """Check the password and return the user id; refuse after too many failures.

        The attempt is counted as a failure before the (slow) password check, which runs outside
        any transaction, and forgiven when it succeeds: parallel guesses cannot slip past the
        limit, and no write lock is held while argon2 works.
        """
        email = email.strip().lower()
        now = self.clock()
        keys = (f"email:{email}", f"client:{client}")
        with self.store.session.begin() as s:
            if s.bind.dialect.name == "postgresql":  # SQLite's IMMEDIATE transaction already serialises this
                s.execute(text("LOCK TABLE sign_in_attempts IN EXCLUSIVE MODE"))
            for key in keys:
                recent = s.scalar(select(func.count()).select_from(SignInAttempt).where(
                    SignInAttempt.key == key, SignInAttempt.at > now - FAILURE_WINDOW))
                if recent >= MAX_FAILURES:
                    raise TooManyAttempts("too many failed sign-ins; wait 15 minutes and try again")
            pending = [SignInAttempt(key=key, at=now) for key in keys]
            s.add_all(pending)
            user = s.scalar(select(User).where(User.email == email))
            found = (user.id, user.password_hash) if user is not None else None
        if found is None or not self._verify(found[1], password):
            raise AccountError("wrong email or password")
        rehashed = self.hasher.hash(password) if self.hasher.check_needs_rehash(found[1]) else None
        with self.store.session.begin() as s:
            s.execute(delete(SignInAttempt).where(SignInAttempt.key == keys[0]))
            s.execute(delete(SignInAttempt).where(SignInAttempt.id == pending[1].id))
            if rehashed:
                s.get(User, found[0]).password_hash = rehashed
        return found[0]

    def _verify(self, hashed: str, password: str) -> bool:
        try:
            return self.hasher.verify(hashed, password)
        except (VerificationError, InvalidHashError):
            return False

    def change_password(self, user_id: str, current: str, new: str) -> None:
        if len(new) < MIN_PASSWORD:
            raise AccountError(f"choose a password of at least {MIN_PASSWORD} characters")
        with self.store.read.begin() as s:
            old_hash = s.get(User, user_id).password_hash
        if not self._verify(old_hash, current):
            raise AccountError("the current password is wrong")
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

    def session_of(self, token: str | None) -> tuple[str, str] | None:
        """(user id, email) of an open session, in one query (every page shows the email)."""
        if not token:
            return None
        with self.store.read.begin() as s:
            row = s.execute(select(WebSession.expires_at, User.id, User.email).join(User, User.id == WebSession.user_id)
                            .where(WebSession.token_hash == _digest(token))).first()
            if row is None or _utc(row.expires_at) <= self.clock():
                return None
            return row.id, row.email

    def close_session(self, token: str | None) -> None:
        if token:
            with self.store.session.begin() as s:
                s.execute(delete(WebSession).where(WebSession.token_hash == _digest(token)))
