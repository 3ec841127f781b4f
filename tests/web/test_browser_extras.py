"""Browser tests of the exam-UI extras (issue 15): intro screens before a problem–solution set and
a case study, striking options through, and "Show answer" in practice; by mouse, keyboard and
touch, on a 390 px phone and at 1280 px. Screenshots go to test-artifacts/ (desktop-*, phone-*)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .test_browser import ARTIFACTS, browser  # noqa: F401
from .test_browser_ux import DESKTOP, PHONE, check_phone_page, context_page, doc_live, page_width, start_practice  # noqa: F401


def shot(pg: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"desktop-{name}.png"), full_page=True)
    assert page_width(pg) <= DESKTOP["width"], name


def test_intro_screens_by_keyboard_once_per_section(browser, doc_live):  # noqa: F811
    pg = context_page(browser, DESKTOP)
    start_practice(pg, doc_live.url, "problem_solution")
    assert pg.url.endswith("/intro")
    expect(pg.locator("h1")).to_contain_text("Problem and solutions")
    expect(pg.get_by_text("You cannot go back.")).to_be_visible()
    shot(pg, "intro-problem_solution")
    expect(pg.get_by_role("button", name="Continue")).to_be_focused()  # Enter goes on at once
    pg.keyboard.press("Enter")
    pg.wait_for_url(re.compile(r"/attempts/\d+$"))
    expect(pg.locator(".progress")).to_have_text(re.compile("Question 1 of"))
    pg.reload()  # shown once: not again on reload
    expect(pg.locator(".progress")).to_have_text(re.compile("Question 1 of"))
    start_practice(pg, doc_live.url, "case_study")
    expect(pg.locator("h1")).to_contain_text("Case study:")
    expect(pg.get_by_text("you cannot return to it")).to_be_visible()
    shot(pg, "intro-case_study")
    pg.keyboard.press("Tab")  # from the page start, by keyboard alone, to Continue
    while not pg.evaluate("document.activeElement.textContent.trim() === 'Continue'"):
        pg.keyboard.press("Tab")
    pg.keyboard.press("Enter")
    pg.wait_for_url(re.compile(r"/attempts/\d+$"))
    expect(pg.locator("aside.case")).to_be_visible()
    assert pg.errors == []
    pg.context.close()


def test_intro_screens_fit_a_phone_and_go_on_by_touch(browser, doc_live):  # noqa: F811
    pg = context_page(browser, PHONE, bypass_csp=True, has_touch=True, is_mobile=True)  # CSP: to inject axe
    for kind in ("problem_solution", "case_study"):
        start_practice(pg, doc_live.url, kind)
        check_phone_page(pg, f"intro-{kind}")
        pg.get_by_role("button", name="Continue").tap()
        pg.wait_for_url(re.compile(r"/attempts/\d+$"))
        expect(pg.locator("form.answer")).to_be_visible()
    pg.context.close()


def struck(pg: Page) -> list[bool]:
    return pg.locator("form.answer .choice").evaluate_all("ls => ls.map((l) => l.classList.contains('struck'))")


def test_strike_through_by_right_click_and_key_kept_on_reload(browser, doc_live):  # noqa: F811
    pg = context_page(browser, DESKTOP)
    start_practice(pg, doc_live.url, "single")
    labels = pg.locator("form.answer .choice")
    n = labels.count()
    labels.nth(0).locator("input").check()  # a choice made, not yet saved
    labels.nth(1).click(button="right")
    expect(labels.nth(1)).to_have_class(re.compile("struck"))
    expect(labels.nth(0).locator("input")).to_be_checked()  # striking leaves the choice as it is
    labels.nth(2).locator("input").focus()
    pg.keyboard.press("x")
    expect(labels.nth(2)).to_have_class(re.compile("struck"))
    expect(labels.nth(2).locator("input")).not_to_be_checked()  # x strikes; it does not choose
    shot(pg, "strike")
    pg.keyboard.press("x")  # again: restored
    expect(labels.nth(2)).not_to_have_class(re.compile("struck"))
    pg.reload()  # the server kept it
    assert struck(pg) == [i == 1 for i in range(n)]
    labels.nth(1).locator("input").check()  # a struck option can still be chosen ...
    labels.nth(1).locator("input").press("Enter")  # ... and Enter saves the answer, it strikes nothing
    expect(pg.locator(".feedback")).to_be_visible()
    expect(pg.locator("button.strike")).to_have_count(0)  # a final answer: nothing left to strike
    assert pg.errors == []
    pg.context.close()


def test_strike_through_by_touch_on_a_phone(browser, doc_live):  # noqa: F811
    pg = context_page(browser, PHONE, bypass_csp=True, has_touch=True, is_mobile=True)
    start_practice(pg, doc_live.url, "multiple")
    buttons = pg.locator("form.answer button.strike")
    buttons.nth(0).tap()
    expect(buttons.nth(0)).to_have_attribute("aria-pressed", "true")
    buttons.nth(2).tap()
    expect(pg.locator("form.answer .choice").nth(2)).to_have_class(re.compile("struck"))
    check_phone_page(pg, "strike")
    pg.reload()
    n = pg.locator("form.answer .choice").count()
    assert struck(pg) == [i in (0, 2) for i in range(n)]
    pg.context.close()


def test_show_answer_in_practice_counts_as_not_answered(browser, doc_live):  # noqa: F811
    pg = context_page(browser, DESKTOP)
    start_practice(pg, doc_live.url, "single")
    pg.get_by_role("button", name="Show answer").click()
    expect(pg.locator(".feedback h2")).to_have_text(re.compile("Answer shown: counts as not answered"))
    expect(pg.locator(".explanations .key")).to_have_count(1)
    expect(pg.get_by_role("button", name="Submit answer")).to_have_count(0)
    shot(pg, "show-answer")
    pg.get_by_role("link", name="Review section").click()
    pg.get_by_role("link", name=re.compile("Finish")).click()
    pg.get_by_role("button", name=re.compile("Yes, finish")).click()
    expect(pg.locator("h1")).to_contain_text("0 of 1 points")
    pg.context.close()
    phone = context_page(browser, PHONE, bypass_csp=True, has_touch=True, is_mobile=True)
    start_practice(phone, doc_live.url, "multiple")
    phone.get_by_role("button", name="Show answer").tap()
    expect(phone.locator(".feedback")).to_be_visible()
    check_phone_page(phone, "show-answer")
    phone.context.close()
