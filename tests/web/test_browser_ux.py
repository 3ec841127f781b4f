"""Browser tests of issue 15: what a first-time user hit, a phone as a first-class screen, and the
exam-UI features. Chromium via Playwright against a live server; screenshots of every page at
1280×900 and 390×844 go to test-artifacts/ (desktop-*.png, phone-*.png)."""

from __future__ import annotations

import re
import shutil

import pytest
from playwright.sync_api import Page, expect

from certprep.web.app import Settings, create_app

from ..conftest import CONTENT, FakeClock, fresh_database
from .test_browser import ARTIFACTS, AXE, LiveServer, browser, live, page  # noqa: F401

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TYPES = ["single", "multiple", "matching", "build_list", "dropdown", "yes_no", "problem_solution", "case_study"]


@pytest.fixture
def doc_live(request, tmp_path, content_dir):
    """A live server whose bank is the documented examples: one item of every type."""
    shutil.copy(CONTENT / "career.yaml", content_dir / "career.yaml")
    clock = FakeClock()
    app = create_app(Settings(database_url=fresh_database(request, "sqlite", tmp_path), content=content_dir, clock=clock))
    with LiveServer(app) as server:
        server.clock = clock
        yield server
    app.state.store.close()


def context_page(browser, viewport, **kw) -> Page:  # noqa: F811
    context = browser.new_context(viewport=viewport, **kw)
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))
    pg.on("console", lambda msg: pg.errors.append(msg.text) if msg.type == "error" else None)
    return pg


def start_practice(pg: Page, url: str, item_type: str, exam: str = "ai-102") -> None:
    pg.goto(f"{url}/practice?exam={exam}")
    pg.locator(f"input[name=type][value={item_type}]").check()
    pg.locator("#count").fill("1")
    pg.get_by_role("button", name="Start practice").click()
    pg.wait_for_url(re.compile(r"/attempts/\d+(/intro)?$"))  # a set or a case study opens with its intro
    pg.wait_for_load_state("load")


def page_width(pg: Page) -> int:
    return pg.evaluate("document.scrollingElement.scrollWidth")


SMALL_TARGETS = """() => {
  // Controls a finger must hit: buttons, fields, choice labels, navigation and button links.
  const out = [];
  const check = (el, box) => {
    if (!el.offsetParent && getComputedStyle(el).position !== "fixed") return;  // not shown
    const r = (box || el).getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return;
    if (r.height < 43.5 || r.width < 24) out.push(`${el.outerHTML.slice(0, 90)} ${Math.round(r.width)}×${Math.round(r.height)}`);
  };
  document.querySelectorAll("button, select, a.button, header a, .filters a, input:not([type=hidden])").forEach((el) => {
    if (el.matches("input[type=radio], input[type=checkbox]")) {
      const label = el.closest("label") || el.closest("td");
      check(el, label);
    } else check(el);
  });
  return out;
}"""


def check_phone_page(pg: Page, name: str) -> None:
    """The page fits 390 px, its controls are big enough to tap, axe finds nothing serious."""
    pg.wait_for_load_state("load")
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"), full_page=True)
    assert page_width(pg) <= PHONE["width"], (name, page_width(pg))
    assert pg.evaluate(SMALL_TARGETS) == [], name
    assert axe_serious(pg) == [], name


def axe_serious(pg: Page) -> list[dict]:
    """Serious and critical axe-core violations, naming the elements (to find them quickly)."""
    pg.add_script_tag(path=str(AXE))
    result = pg.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "targets": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def answer_by_touch(pg: Page) -> None:
    """Answer the question on screen with taps only (drop-downs through the native picker)."""
    pg.wait_for_load_state("load")  # app.js wires the chips' taps; before it runs a tap does nothing
    form = pg.locator("form.answer")
    if form.locator(".dnd").count():
        chips, places = form.locator(".chip"), form.locator(".place")
        for i in range(form.locator(".target").count()):
            chips.nth(i % chips.count()).tap()
            places.nth(i).tap()
    elif form.locator("table.yesno").count():
        for row in form.locator("table.yesno tbody tr").all():
            row.locator("input[value=yes]").tap()
    elif form.locator("input[type=checkbox][name=r]").count():
        form.locator("label.choice").nth(0).tap()
        form.locator("label.choice").nth(1).tap()
    elif form.locator("input[type=radio][name=r]").count():
        form.locator("label.choice").first.tap()
    else:
        for select in form.locator("select").all():
            select.select_option(index=1)
    form.locator("button[type=submit]").first.tap()


def test_every_page_and_item_type_fits_a_phone_and_answers_by_touch(browser, doc_live):  # noqa: F811
    pg = context_page(browser, PHONE, bypass_csp=True, has_touch=True, is_mobile=True)  # CSP: to inject axe
    url = doc_live.url
    for item_type in TYPES:
        start_practice(pg, url, item_type)
        if pg.url.endswith("/intro"):
            check_phone_page(pg, f"intro-{item_type}")
            pg.get_by_role("button", name="Continue").tap()
            pg.wait_for_url(re.compile(r"/attempts/\d+$"))
        check_phone_page(pg, f"question-{item_type}")
        answer_by_touch(pg)
        expect(pg.locator(".feedback")).to_be_visible()
        check_phone_page(pg, f"feedback-{item_type}")
        while pg.get_by_role("button", name="Next question").count():
            pg.get_by_role("button", name="Next question").tap()
            expect(pg.locator(".feedback")).to_have_count(0)  # the next question's page, not the last one
            answer_by_touch(pg)
            expect(pg.locator(".feedback")).to_be_visible()
        pg.get_by_role("link", name="Review section").tap()
        if item_type == "case_study":
            check_phone_page(pg, "section-review")
        pg.get_by_role("link", name=re.compile("Finish")).tap()
        if item_type == "case_study":
            check_phone_page(pg, "finish-confirm")
        pg.get_by_role("button", name=re.compile("Yes, finish")).tap()
        expect(pg.locator("h1")).to_contain_text("points")
        if item_type == "case_study":
            check_phone_page(pg, "results")
            pg.get_by_role("link", name=re.compile("Review every question")).tap()
            check_phone_page(pg, "review")
    for path, name in (("/", "home"), ("/exams/ai-103", "exam"), ("/practice", "practice"), ("/attempts", "history"),
                       ("/career", "career"), ("/services", "services"), ("/scoring", "scoring"), ("/review", "review-queue"),
                       ("/plan", "plan"), ("/attempts/999", "error")):
        pg.goto(url + path)
        check_phone_page(pg, name)
    assert pg.errors == ["Failed to load resource: the server responded with a status of 404 (Not Found)"]  # /attempts/999
    pg.errors.clear()
    pg.goto(url + "/plan")
    pg.locator("#date").fill("2027-03-01")
    with pg.expect_navigation():  # the plan page replaces the form: measure the new page, not the old
        pg.get_by_role("button", name="Make my plan").tap()
    check_phone_page(pg, "plan-made")
    assert pg.errors == []
    pg.context.close()


def test_desktop_screenshots_of_every_page(browser, doc_live):  # noqa: F811
    pg = context_page(browser, DESKTOP)
    url = doc_live.url
    ARTIFACTS.mkdir(exist_ok=True)
    start_practice(pg, url, "case_study")
    pg.get_by_role("button", name="Continue").click()  # past the case study's intro
    pg.screenshot(path=str(ARTIFACTS / "desktop-question-case_study.png"), full_page=True)
    start_practice(pg, url, "matching")
    pg.screenshot(path=str(ARTIFACTS / "desktop-question-matching.png"), full_page=True)
    for path, name in (("/", "home"), ("/exams/ai-103", "exam"), ("/practice", "practice"), ("/attempts", "history"),
                       ("/career", "career"), ("/services", "services"), ("/scoring", "scoring"), ("/plan", "plan")):
        pg.goto(url + path)
        pg.screenshot(path=str(ARTIFACTS / f"desktop-{name}.png"), full_page=True)
        assert page_width(pg) <= DESKTOP["width"], name
    assert pg.errors == []  # no CSP violation (htmx's inline styles), no 404 favicon, no script error
    pg.context.close()


def test_flag_keeps_the_choice_and_a_hidden_timer_stays_hidden(browser, live):  # noqa: F811
    pg = context_page(browser, DESKTOP)
    pg.goto(live.url)
    pg.locator("section.card", has_text="AI-102").get_by_role("button", name="Exam simulation").click()
    form = pg.locator("form.answer")
    first = form.locator("input[type=radio], input[type=checkbox], select").first
    if first.evaluate("e => e.tagName") == "SELECT":
        first.select_option(index=1)
        chosen = first.input_value()
    else:
        first.check()
    pg.get_by_role("button", name="Flag for review").click()
    expect(pg.get_by_role("button", name="⚑ Flagged for review")).to_be_visible()
    if first.evaluate("e => e.tagName") == "SELECT":
        assert first.input_value() == chosen
    else:
        expect(first).to_be_checked()  # the choice is still on screen
    pg.get_by_role("button", name="Hide timer").click()
    expect(pg.locator(".timer .clock")).to_be_hidden()
    pg.get_by_role("button", name="Save and next").click()
    expect(pg.locator(".progress")).to_have_text(re.compile("Question 2 of"))
    expect(pg.locator(".timer .clock")).to_be_hidden()  # still hidden on the next page
    expect(pg.get_by_role("button", name="Show timer")).to_be_visible()
    pg.reload()
    expect(pg.locator(".timer .clock")).to_be_hidden()
    assert pg.errors == []
    pg.context.close()
