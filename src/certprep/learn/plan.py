"""A week-by-week study plan to an exam date, exported as an iCalendar (.ics) file.

Hours go to domains in proportion to the middle of their blueprint weight, raised for the
learner's weak domains (weight × (1.5 − mastery), mastery the share of points they scored in
the domain; unknown counts as 0.5), in half-hour slots. The weeks walk through the domains weakest first; the last week is for exam simulations
and reviewing mistakes. Eight to twelve weeks is the usual preparation time; a shorter plan says
so. For a certified learner the renewal window (the last six months of the year of validity)
goes into the calendar too.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from dataclasses import dataclass, field

from certprep.bank.blueprint import Blueprint

# Every input that sizes a plan is bounded: a plan is a week per row and an event per week, so an
# exam date in 9999 once meant 400,000 weeks, 1.8 GB and a minute and a half per request.
HORIZON_DAYS = 2 * 365  # the exam date: within two years of today
CERTIFIED_YEARS = 3  # a certification date: at most three years back (it lasts one, renewed yearly)
HOURS = (1.0, 80.0)  # hours of study a week


def check_inputs(exam_date: dt.date, hours_per_week: float, today: dt.date,
                 certified_on: dt.date | None = None) -> None:
    """Refuse inputs outside the stated ranges, saying the range (ValueError)."""
    last = today + dt.timedelta(days=HORIZON_DAYS)
    allowed = f"give a date from {today + dt.timedelta(days=1)} to {last} (within two years)"
    if exam_date <= today:
        raise ValueError(f"the exam date {exam_date} is not after today ({today}); {allowed}")
    if exam_date > last:
        raise ValueError(f"the exam date {exam_date} is more than two years away; {allowed}")
    if not (math.isfinite(hours_per_week) and HOURS[0] <= hours_per_week <= HOURS[1]):
        raise ValueError(f"hours per week must be a number from {HOURS[0]:g} to {HOURS[1]:g}, not {hours_per_week:g}")
    if certified_on is not None:
        first = add_months(today, -12 * CERTIFIED_YEARS)
        if not first <= certified_on <= last:
            raise ValueError(f"the certification date must be from {first} to {last}, not {certified_on}")


@dataclass
class Week:
    start: dt.date
    hours: dict[str, float]  # domain id -> hours
    focus: str
    reviews_per_day: int


@dataclass
class Plan:
    exam: str
    exam_date: dt.date
    hours_per_week: float
    weeks: list[Week]
    notes: list[str] = field(default_factory=list)
    renewal: tuple[dt.date, dt.date] | None = None

    def to_dict(self) -> dict:
        return {"exam": self.exam, "exam_date": str(self.exam_date), "hours_per_week": self.hours_per_week,
                "notes": self.notes, "renewal_window": [str(d) for d in self.renewal] if self.renewal else None,
                "weeks": [{"start": str(w.start), "focus": w.focus, "reviews_per_day": w.reviews_per_day,
                           "hours": {d: round(h, 1) for d, h in w.hours.items()}} for w in self.weeks]}


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


SLOT = 0.5  # hours: the smallest block a plan gives a domain


def _slots(need: dict[str, float], order: list[str], total: int) -> dict[str, int]:
    """`total` slots split by `need` (largest remainder), at least one each when there are enough."""
    base = 1 if total >= len(order) else 0
    rest = total - base * len(order)
    weight = sum(need.values())
    raw = {d: need[d] / weight * rest for d in order}
    out = {d: base + math.floor(raw[d]) for d in order}
    for d in sorted(order, key=lambda d: -(raw[d] - math.floor(raw[d])))[:total - sum(out.values())]:
        out[d] += 1
    return out


def study_plan(bp: Blueprint, exam_date: dt.date, hours_per_week: float, today: dt.date,
               mastery: dict[str, float | None] | None = None, queued_reviews: int = 0,
               certified_on: dt.date | None = None) -> Plan:
    check_inputs(exam_date, hours_per_week, today, certified_on)
    mastery = mastery or {}
    n_weeks = max(1, math.ceil((exam_date - today).days / 7))
    need = {d.id: (d.weight_min + d.weight_max) / 2 * (1.5 - (mastery.get(d.id) if mastery.get(d.id) is not None else 0.5))
            for d in bp.domains}
    names = {d.id: d.name for d in bp.domains}
    known = {d: mastery.get(d) if mastery.get(d) is not None else 0.5 for d in need}
    order = sorted(need, key=lambda d: (known[d], -need[d]))  # weakest first; then by weight
    study_weeks = max(1, n_weeks - 1) if n_weeks > 1 else 1
    # Hours are handed out in half-hour slots, never slivers like 0.1 h: each domain's share of
    # the study slots (every domain at least one while there are enough), spread over
    # consecutive weeks in `order`.
    per_week = max(1, round(hours_per_week / SLOT))
    budget = _slots(need, order, per_week * study_weeks)
    weeks, d_index = [], 0
    for w in range(n_weeks):
        start = today + dt.timedelta(weeks=w)
        if n_weeks > 1 and w == n_weeks - 1:
            weeks.append(Week(start, {}, "Exam simulations, your weakest areas, and every due review", 0))
            continue
        left, hours = per_week, {}
        while left and d_index < len(order):
            d = order[d_index]
            take = min(left, budget[d])
            if take:
                hours[d] = hours.get(d, 0) + take * SLOT
            budget[d] -= take
            left -= take
            if budget[d] == 0:
                d_index += 1
        focus = ", ".join(names[d] for d in sorted(hours, key=lambda d: -hours[d]))
        weeks.append(Week(start, hours, focus, 0))
    per_day = math.ceil(queued_reviews / 7) if queued_reviews else 0
    for week in weeks:
        week.reviews_per_day = per_day
    notes = []
    if n_weeks < 8:
        notes.append(f"{n_weeks} weeks is shorter than the usual 8 to 12 weeks of preparation; "
                     "consider more hours per week or a later date.")
    renewal = None
    if certified_on is not None:
        renewal = (add_months(certified_on, 6), add_months(certified_on, 12))
    return Plan(bp.code, exam_date, hours_per_week, weeks, notes, renewal)


def to_ics(plan: Plan, bp: Blueprint) -> bytes:
    from icalendar import Calendar, Event

    names = {d.id: d.name for d in bp.domains}
    cal = Calendar()
    cal.add("prodid", "-//certprep//study plan//EN")
    cal.add("version", "2.0")

    def event(summary: str, start: dt.date, end: dt.date, description: str = "") -> None:
        ev = Event()
        ev.add("uid", f"{uuid.uuid5(uuid.NAMESPACE_URL, f'certprep:{plan.exam}:{summary}:{start}')}@certprep")
        ev.add("dtstamp", dt.datetime(start.year, start.month, start.day, tzinfo=dt.UTC))
        ev.add("dtstart", start)
        ev.add("dtend", end)
        ev.add("summary", summary)
        if description:
            ev.add("description", description)
        cal.add_component(ev)

    for n, week in enumerate(plan.weeks, 1):
        lines = [f"{names[d]}: {h:.1f} h" for d, h in sorted(week.hours.items(), key=lambda kv: -kv[1])]
        if week.reviews_per_day:
            lines.append(f"Spaced repetition: about {week.reviews_per_day} reviews a day (certprep review)")
        event(f"{bp.exam} study week {n}: {week.focus}", week.start, week.start + dt.timedelta(days=7), "\n".join(lines))
    event(f"{bp.exam} exam", plan.exam_date, plan.exam_date + dt.timedelta(days=1))
    if plan.renewal:
        event(f"{bp.exam} renewal window (free online assessment)", plan.renewal[0], plan.renewal[1],
              "Renew the certification before it expires; the assessment opens six months before expiry.")
    return cal.to_ical()


def learner_plan(store, user: str, bank, bp: Blueprint, exam_date: dt.date, hours_per_week: float,
                 today: dt.date, certified_on: dt.date | None = None) -> Plan:
    """A plan for one learner: mastery from their answers, review load from their queue."""
    check_inputs(exam_date, hours_per_week, today, certified_on)  # before reading every answer
    from certprep.bank.loader import question_domain
    from certprep.learn import review
    from certprep.learn.readiness import learner_outcomes

    # Mastery is the share of points the learner actually scored in each domain, as their results
    # show it; the readiness model's per-domain mastery comes from one ability for all domains
    # and so cannot tell a weak domain from a strong one.
    got: dict[str, list[float]] = {}
    for item, part, share in learner_outcomes(store, user, bp, bank):
        got.setdefault(question_domain(item, part, bp), []).append(share)
    mastery = {d.id: (sum(got[d.id]) / len(got[d.id]) if got.get(d.id) else None) for d in bp.domains}
    with store.read.begin() as s:
        queued = review.queued(s, user)
    return study_plan(bp, exam_date, hours_per_week, today, mastery, queued, certified_on)
