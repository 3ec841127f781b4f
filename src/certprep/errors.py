"""Typed exceptions of the core. Adapters turn them into `Error: …` (CLI) or an error page.

    CertprepError
    ├── UnknownChoice        an exam, skill, attempt, type … that does not exist (lists the valid ones)
    ├── BankError            the bank cannot be loaded (carries lint problems)
    ├── FormError            a form cannot be assembled from the bank (too few items …)
    ├── AttemptError         an action the attempt's state refuses
    │   ├── AttemptClosed    finished or expired
    │   ├── SectionLocked    the question's section is finished
    │   └── InvalidResponse  a response that does not fit the question
    ├── AnswersFileError     a --answers file that cannot be used
    ├── MissingExtra         an optional feature whose extra is not installed (names the pip command)
    └── StoreError           the database cannot be used
        ├── SchemaTooNew     written by a newer certprep
        └── DatabaseDamaged  not a database, or corrupt
"""

from __future__ import annotations

from collections.abc import Iterable


class CertprepError(Exception):
    """Base of every error the core raises on purpose."""


class UnknownChoice(CertprepError):
    def __init__(self, what: str, value: object, choices: Iterable[object]) -> None:
        self.what, self.value, self.choices = what, value, [str(c) for c in choices]
        valid = ", ".join(self.choices) if self.choices else "(none)"
        super().__init__(f"unknown {what} {value!r}; valid choices: {valid}")


class BankError(CertprepError):
    def __init__(self, message: str, problems: list | None = None) -> None:
        self.problems = problems or []
        super().__init__(message)


class FormError(CertprepError):
    pass


class AttemptError(CertprepError):
    pass


class AttemptClosed(AttemptError):
    pass


class SectionLocked(AttemptError):
    pass


class InvalidResponse(AttemptError):
    pass


class AnswersFileError(CertprepError):
    pass


class MissingExtra(CertprepError):
    def __init__(self, feature: str, extra: str, module: str) -> None:
        self.extra, self.module = extra, module
        super().__init__(f"{feature} needs the optional extra '{extra}' ({module} is not installed); "
                         f"install it with: pip install 'certprep[{extra}]'")


class StoreError(CertprepError):
    pass


class SchemaTooNew(StoreError):
    pass


class DatabaseDamaged(StoreError):
    pass
