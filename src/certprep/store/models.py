"""Tables. Every answer is a row updated and committed when it is given."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class ItemVersion(Base):
    """An item exactly as an attempt showed it, so later bank edits never rewrite history."""

    __tablename__ = "item_versions"
    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(80), index=True)
    body: Mapped[dict] = mapped_column(JSON)


class Attempt(Base):
    __tablename__ = "attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True, default="local")
    exam: Mapped[str] = mapped_column(String(32))
    mode: Mapped[str] = mapped_column(String(16))
    form: Mapped[dict] = mapped_column(JSON)
    feedback: Mapped[str] = mapped_column(String(8), default="end")  # "now": after each answer
    status: Mapped[str] = mapped_column(String(16), default="open")  # open, finished, expired
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    deadline: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    section: Mapped[int] = mapped_column(Integer, default=0)  # sections before it are locked
    position: Mapped[int] = mapped_column(Integer, default=0)  # index within the section
    result: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    # Sections up to this index have shown their intro screen (problem–solution sets, case studies).
    intro_seen: Mapped[int] = mapped_column(Integer, default=-1, server_default="-1")
    questions: Mapped[list[AttemptQuestion]] = relationship(
        back_populates="attempt", order_by="AttemptQuestion.position", cascade="all, delete-orphan")


class AttemptQuestion(Base):
    __tablename__ = "attempt_questions"
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    section: Mapped[int] = mapped_column(Integer)
    item_hash: Mapped[str] = mapped_column(ForeignKey("item_versions.hash"))
    response: Mapped[object | None] = mapped_column(JSON, nullable=True)
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    points: Mapped[int | None] = mapped_column(Integer, nullable=True)  # set when scored
    confidence: Mapped[str | None] = mapped_column(String(8), nullable=True)  # low, medium, high
    max_points: Mapped[int] = mapped_column(Integer, default=1)
    struck: Mapped[list | None] = mapped_column(JSON, nullable=True)  # shown positions of options struck through
    revealed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # "Show answer": 0 points, final
    attempt: Mapped[Attempt] = relationship(back_populates="questions")


class User(Base):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # attempts.user_id; "local" is the owner
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    role: Mapped[str] = mapped_column(String(16), default="learner", server_default="learner")  # or "author"


class WebSession(Base):
    """Server-side sessions: the cookie holds a random token, the table holds its hash."""

    __tablename__ = "web_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class SignInAttempt(Base):
    """Failed sign-ins, shared by every app process, for rate limiting."""

    __tablename__ = "sign_in_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(320), index=True)  # email or client address
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class CalibratedItem(Base):
    """2PL parameters fitted from stored responses (certprep calibrate), per question key."""

    __tablename__ = "item_params"
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    a: Mapped[float] = mapped_column(Float)
    b: Mapped[float] = mapped_column(Float)
    responses: Mapped[int] = mapped_column(Integer)
    calibrated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ReviewCard(Base):
    """One question in a learner's spaced-repetition queue: the FSRS card and when it is due."""

    __tablename__ = "review_cards"
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)  # question key
    card: Mapped[dict] = mapped_column(JSON)
    due: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    # What the review page posts back instead of the question key, which names the item.
    token: Mapped[str] = mapped_column(String(24), default=lambda: secrets.token_urlsafe(12))


class ReviewEvent(Base):
    """Every rated outcome (from attempts and reviews): FSRS's review log, per learner."""

    __tablename__ = "review_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    key: Mapped[str] = mapped_column(String(128))
    rating: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
