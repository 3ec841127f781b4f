"""HTML form fields to a response, per item type (the engine then checks it).

The browser never sees a bank id: every choice, step, source, target, blank and statement
travels as its 1-based position in the question *as shown*, which is the attempt's seeded
shuffle (engine/order.py), so the server maps positions back without storing anything. The
bank's ids follow the order authors wrote them in, and that order gives the key away.

    single / solution   r=<option n> or r=yes|no
    multiple            r=<option n> (repeated)
    matching            m.<target n>=<source n>
    build_list          slot.<n>=<step n>          (slots from 1)
    dropdown            b.<blank n>=<option n>
    yes_no              s.<statement n>=yes|no
Empty fields are left out; a response with nothing in it is None (no answer).
"""

from __future__ import annotations

from certprep.bank.items import (
    BuildListBody, DropdownBody, MatchingBody, MultipleBody, SingleBody, SolutionBody, YesNoBody,
)
from certprep.errors import InvalidResponse

YES_NO = {"yes": True, "no": False}


def _nth(value: str, choices: list, what: str):
    """The choice at a shown 1-based position; the error names positions, never ids."""
    if not (value.isdigit() and len(value) <= 3 and 1 <= int(value) <= len(choices)):
        raise InvalidResponse(f"{what} {value[:20]!r} is not one of 1 to {len(choices)}")
    return choices[int(value) - 1]


def _prefixed(form, prefix: str) -> dict[str, str]:
    return {k[len(prefix):]: v for k, v in form.multi_items() if k.startswith(prefix) and v}


def response_from_form(body, form) -> object | None:
    """The response in bank ids, read from form fields that name shown positions."""
    if isinstance(body, SolutionBody):
        value = form.get("r") or None
        if value is not None and value not in YES_NO:
            raise InvalidResponse("answer yes or no")
        return value
    if isinstance(body, SingleBody):
        value = form.get("r")
        return _nth(value, body.options, "choice").id if value else None
    if isinstance(body, MultipleBody):
        chosen = [_nth(v, body.options, "choice").id for v in form.getlist("r") if v]
        return chosen or None
    if isinstance(body, MatchingBody):
        return {_nth(t, body.targets, "target").id: _nth(s, body.sources, "source").id
                for t, s in _prefixed(form, "m.").items()} or None
    if isinstance(body, BuildListBody):
        slots = _prefixed(form, "slot.")
        if set(slots) - {str(i) for i in range(1, len(body.key) + 1)}:
            raise InvalidResponse(f"the answer area has slots 1 to {len(body.key)}")
        ordered = [slots.get(str(i)) for i in range(1, len(body.key) + 1)]
        while ordered and not ordered[-1]:
            ordered.pop()
        if any(s is None for s in ordered):
            raise InvalidResponse("fill the slots from the top, without gaps")
        return [_nth(s, body.steps, "step").id for s in ordered] or None
    if isinstance(body, DropdownBody):
        out = {}
        for b, o in _prefixed(form, "b.").items():
            blank = _nth(b, body.blanks, "blank")
            out[blank.id] = _nth(o, blank.options, "option").id
        return out or None
    if isinstance(body, YesNoBody):
        out = {}
        for s, v in _prefixed(form, "s.").items():
            statement = _nth(s, body.statements, "statement")
            if v not in YES_NO:
                raise InvalidResponse(f"statement {s}: answer yes or no")
            out[statement.id] = v
        return out or None
    return None
