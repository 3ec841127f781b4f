"""HTML form fields to a response, per item type (the engine then checks it).

    single / solution   r=<option id> or r=yes|no
    multiple            r=<option id> (repeated)
    matching            m.<target id>=<source id>
    build_list          slot.<n>=<step id>          (n from 1)
    dropdown            b.<blank id>=<option id>
    yes_no              s.<statement id>=yes|no
Empty fields are left out; a response with nothing in it is None (no answer).
"""

from __future__ import annotations

from certprep.bank.items import (
    BuildListBody, DropdownBody, MatchingBody, MultipleBody, SingleBody, SolutionBody, YesNoBody,
)


def _prefixed(form, prefix: str) -> dict[str, str]:
    return {k[len(prefix):]: v for k, v in form.items() if k.startswith(prefix) and v}


def response_from_form(body, form) -> object | None:
    if isinstance(body, (SingleBody, SolutionBody)):
        return form.get("r") or None
    if isinstance(body, MultipleBody):
        chosen = [v for v in form.getlist("r") if v]
        return chosen or None
    if isinstance(body, MatchingBody):
        return _prefixed(form, "m.") or None
    if isinstance(body, BuildListBody):
        slots = _prefixed(form, "slot.")
        ordered = [slots.get(str(i)) for i in range(1, len(body.key) + 1)]
        while ordered and not ordered[-1]:
            ordered.pop()
        if any(s is None for s in ordered):
            from certprep.errors import InvalidResponse

            raise InvalidResponse("fill the slots from the top, without gaps")
        return ordered or None
    if isinstance(body, DropdownBody):
        return _prefixed(form, "b.") or None
    if isinstance(body, YesNoBody):
        return _prefixed(form, "s.") or None
    return None
