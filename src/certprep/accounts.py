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
from sqlalchemy import delete, func, select

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
        with self.store.session.begin() as s:
            if s.scalar(select(User.id).where(User.email == email)):
                raise AccountError("an account with this email exists; sign in instead")
            user = User(id=uuid.uuid4().hex, email=email, password_hash=self.hasher.hash(password),
                        created_at=self.clock())
            s.add(user)
            return user.id

    def sign_in(self, email: str, password: str, client: str) -> str:
        """Check the password and return the user id; refuse after too many failures."""
        email = email.strip().lower()
        now = self.clock()
        keys = (f"email:{email}", f"client:{client}")
        with self.store.session.begin() as s:
            for key in keys:
                recent = s.scalar(select(func.count()).select_from(SignInAttempt).where(
                    SignInAttempt.key == key, SignInAttempt.at > now - FAILURE_WINDOW))
                if recent >= MAX_FAILURES:
                    raise TooManyAttempts("too many failed sign-ins; wait 15 minutes and try again")
            user = s.scalar(select(User).where(User.email == email))
            if user is not None and self._verify(user.password_hash, password):
                if self.hasher.check_needs_rehash(user.password_hash):
                    user.password_hash = self.hasher.hash(password)
                s.execute(delete(SignInAttempt).where(SignInAttempt.key == keys[0]))
                return user.id
        with self.store.session.begin() as s:  # its own transaction: the failure must stay recorded
            s.add_all([SignInAttempt(key=key, at=now) for key in keys])
        raise AccountError("wrong email or password")

    def _verify(self, hashed: str, password: str) -> bool:
        try:
            return self.hasher.verify(hashed, password)
        except (VerificationError, InvalidHashError):
            return False

    def change_password(self, user_id: str, current: str, new: str) -> None:
        if len(new) < MIN_PASSWORD:
            raise AccountError(f"choose a password of at least {MIN_PASSWORD} characters")
        with self.store.session.begin() as s:
            user = s.get(User, user_id)
            if not self._verify(user.password_hash, current):
                raise AccountError("the current password is wrong")
            user.password_hash = self.hasher.hash(new)
            s.execute(delete(WebSession).where(WebSession.user_id == user_id))  # sign out everywhere

    def email_of(self, user_id: str) -> str | None:
        with self.store.session.begin() as s:
            user = s.get(User, user_id)
            return user.email if user else None

    # ---- sessions

    def open_session(self, user_id: str) -> str:
        token = secrets.token_urlsafe(32)
        now = self.clock()
        with self.store.session.begin() as s:
            s.add(WebSession(token_hash=_digest(token), user_id=user_id, created_at=now,
                             expires_at=now + dt.timedelta(days=SESSION_DAYS)))
        return token

    def user_of(self, token: str | None) -> str | None:
        if not token:
            return None
        with self.store.read.begin() as s:
            row = s.get(WebSession, _digest(token))
            if row is None or _utc(row.expires_at) <= self.clock():
                return None
            return row.user_id

    def close_session(self, token: str | None) -> None:
        if token:
            with self.store.session.begin() as s:
                s.execute(delete(WebSession).where(WebSession.token_hash == _digest(token)))
