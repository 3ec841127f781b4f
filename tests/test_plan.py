"""Study plans: hours follow the blueprint and the weak domains, the calendar is valid iCalendar
with a week per event, and a certified learner gets the renewal window."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from icalendar import Calendar

from certprep.learn.plan import add_months, study_plan, to_ics

TODAY = dt.date(2026, 11, 26)


def test_hours_follow_weights_and_weak_domains(exams):
    bp = exams["ai-103"]
    plan = study_plan(bp, TODAY + dt.timedelta(weeks=10), 8, TODAY, mastery={"ai103.4": 0.1, "ai103.1": 0.9})
    assert len(plan.weeks) == 10 and plan.notes == []
    hours = {}
    for week in plan.weeks:
        assert sum(week.hours.values()) == pytest.approx(8 if week.hours else 0)
        for d, h in week.hours.items():
            hours[d] = hours.get(d, 0) + h
    assert sum(hours.values()) == pytest.approx(8 * 9)
    assert "ai103.4" in plan.weeks[0].hours  # the weakest domain comes first
    # D2 (30–35 %, unknown mastery) outweighs D4 (10–15 %, weak) which outweighs D5 (10–15 %, unknown)
    assert hours["ai103.2"] > hours["ai103.4"] > hours["ai103.5"]
    assert plan.weeks[-1].hours == {} and "Exam simulations" in plan.weeks[-1].focus


def test_a_short_plan_says_so_and_bad_dates_are_refused(exams):
    assert "shorter than the usual 8 to 12 weeks" in study_plan(exams["ai-102"], TODAY + dt.timedelta(days=20), 5, TODAY).notes[0]
    with pytest.raises(ValueError, match="not after today"):
        study_plan(exams["ai-102"], TODAY, 5, TODAY)


def test_the_calendar_is_valid_and_holds_weeks_exam_and_renewal(exams):
    bp = exams["ai-103"]
    plan = study_plan(bp, TODAY + dt.timedelta(weeks=9), 6, TODAY, queued_reviews=21, certified_on=dt.date(2026, 3, 31))
    assert plan.renewal == (dt.date(2026, 9, 30), dt.date(2027, 3, 31))
    cal = Calendar.from_ical(to_ics(plan, bp))
    events = [e for e in cal.walk("VEVENT")]
    assert len(events) == 9 + 2
    summaries = [str(e["summary"]) for e in events]
    assert summaries[0].startswith("AI-103 study week 1:") and "AI-103 exam" in summaries
    assert any("renewal window" in s for s in summaries)
    assert "about 3 reviews a day" in str(events[0]["description"])
    assert len({str(e["uid"]) for e in events}) == len(events)


def test_month_arithmetic_clamps_to_the_month_end():
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)


def test_plan_command_writes_the_calendar(tmp_path, content_dir):
    from click.testing import CliRunner

    from certprep.cli import main

    ics = tmp_path / "plan.ics"
    result = CliRunner().invoke(main, ["--content", str(content_dir), "--db", str(tmp_path / "p.db"), "plan",
                                       "--exam", "ai-102", "--date", str(dt.date.today() + dt.timedelta(days=90)), "--hours", "6",
                                       "--ics", str(ics), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["exam"] == "ai-102"
    assert Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    bad = CliRunner().invoke(main, ["--content", str(content_dir), "--db", str(tmp_path / "p.db"), "plan",
                                    "--exam", "ai-102", "--date", "2001-01-01"])
    assert bad.exit_code == 2 and "not after today" in bad.output


@pytest.mark.parametrize("date, hours, certified, message", [
    (dt.date(9999, 12, 31), 8, None, "more than two years away; give a date from 2026-11-27 to 2028-11-25"),
    (TODAY + dt.timedelta(days=731), 8, None, "more than two years away"),
    (TODAY + dt.timedelta(weeks=9), float("nan"), None, "hours per week must be a number from 1 to 80, not nan"),
    (TODAY + dt.timedelta(weeks=9), float("inf"), None, "from 1 to 80, not inf"),
    (TODAY + dt.timedelta(weeks=9), 1e308, None, "from 1 to 80, not 1e+308"),
    (TODAY + dt.timedelta(weeks=9), 0, None, "from 1 to 80, not 0"),
    (TODAY + dt.timedelta(weeks=9), 8, dt.date(1, 1, 1), "certification date must be from 2023-11-26 to 2028-11-25"),
])
def test_every_input_that_sizes_a_plan_is_bounded(exams, date, hours, certified, message):
    """A date in 9999 once built 400,000 weeks (75 s, 1.8 GB); now each input has a stated range."""
    with pytest.raises(ValueError, match=message.replace("+", r"\+")):
        study_plan(exams["ai-102"], date, hours, TODAY, certified_on=certified)
    assert len(study_plan(exams["ai-102"], TODAY + dt.timedelta(days=730), 80, TODAY).weeks) == 105  # the longest


@pytest.mark.parametrize("args, message", [
    (["--date", "9999-12-31"], "more than two years away"),
    (["--date", "{soon}", "--hours", "nan"], "from 1 to 80, not nan"),
    (["--date", "{soon}", "--hours", "1e308"], "from 1 to 80"),
    (["--date", "{soon}", "--hours", "-3"], "from 1 to 80"),
])
def test_plan_command_says_the_allowed_range(tmp_path, content_dir, args, message):
    from click.testing import CliRunner

    from certprep.cli import main

    soon = str(dt.date.today() + dt.timedelta(days=30))
    result = CliRunner().invoke(main, ["--content", str(content_dir), "--db", str(tmp_path / "p.db"), "plan",
                                       "--exam", "ai-102", *[a.format(soon=soon) for a in args]])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
