"""Browser tests: Playwright driving Debian's Chromium against a live server on 127.0.0.1.

A full diagnostic with the mouse; an exam with a flag, the review screen, a locked section and
time running out; every item type answered with the keyboard alone; sign-up and sign-in; axe-core
on the exam and results pages. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Page, expect, sync_playwright

from certprep.web.app import Settings, create_app

from ..conftest import ROOT, FakeClock, fresh_database

ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / ".cache" / "axe-core" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


class LiveServer:
    def __init__(self, app) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not Path("/usr/bin/chromium").exists():
        pytest.fail("Chromium is not installed; `make test` installs it (scripts/test-services.sh)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def live(request, tmp_path):
    """A live server on SQLite with a clock the test moves; accounts if the test is marked."""
    clock = FakeClock()
    accounts = request.node.get_closest_marker("accounts") is not None
    app = create_app(Settings(database_url=fresh_database(request, "sqlite", tmp_path), accounts=accounts, clock=clock))
    with LiveServer(app) as server:
        server.clock = clock
        yield server
    app.state.store.close()


@pytest.fixture
def page(browser, request) -> Page:
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})  # CSP: to inject axe
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert errors == [], errors  # no JavaScript error on any page


def axe_violations(page: Page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"])} for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


def answer_with_mouse(page: Page) -> int:
    """Answer whatever question is on screen by clicking, then go on; returns how many chips were
    placed by dragging them (not by the click fallback)."""
    dropped = 0
    form = page.locator("form.answer")
    if form.locator("input[type=radio][name=r]").count():
        form.locator("input[type=radio][name=r]").first.check()
    elif form.locator("input[type=checkbox][name=r]").count():
        boxes = form.locator("input[type=checkbox][name=r]")
        choose = int(page.locator("form.answer legend").first.inner_text().split()[1].rstrip("."))
        for i in range(choose):
            boxes.nth(i).check()
    elif form.locator(".dnd").count():
        chips, targets = form.locator(".chip"), form.locator(".target")
        for i in range(targets.count()):
            chip, target = chips.nth(i % chips.count()), targets.nth(i)
            chip.drag_to(target)
            if target.locator("select").input_value() == chip.get_attribute("data-value"):
                dropped += 1
            else:
                # A target below the fold scrolls the page before Chromium starts the drag, which
                # can pick up the chip that scrolled under the pointer: place it by click instead.
                chip.click()
                target.locator("button.place").click()
    elif form.locator("select[name^='b.']").count():
        for select in form.locator("select[name^='b.']").all():
            select.select_option(index=1)
    elif form.locator("table.yesno").count():
        for row in form.locator("table.yesno tbody tr").all():
            row.locator("input[value=yes]").check()
    form.locator("button[type=submit]").first.click()
    return dropped


def test_a_full_diagnostic_with_the_mouse(live, page: Page):
    page.goto(live.url)
    page.get_by_role("button", name="Free 35-question diagnostic").first.click()
    dropped = 0
    for n in range(35):
        expect(page.locator(".progress")).to_have_text(f"Question {n + 1} of 35")
        dropped += answer_with_mouse(page)
    assert dropped > 0  # drag and drop itself works: not every chip needed the click fallback
    expect(page.get_by_text("35 of 35 answered")).to_be_visible()
    page.get_by_role("link", name="Finish and see results").click()
    page.get_by_role("button", name="Yes, finish and see results").click()
    expect(page.locator("h1")).to_contain_text("/ 1000")
    assert page.locator("meter").count() == 5  # AI-103, the first card: the exam people sit
    assert axe_violations(page) == []


def test_an_exam_with_flag_review_locked_section_and_time_out(live, page: Page):
    page.goto(live.url)
    page.locator("section.card", has_text="AI-102").get_by_role("button", name="Exam simulation").click()
    expect(page.locator(".timer .clock")).to_have_text("1:40:00")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Hide timer").click()
    expect(page.locator(".timer .clock")).to_be_hidden()
    page.get_by_role("button", name="Flag for review").click()
    expect(page.get_by_role("button", name="⚑ Flagged for review")).to_be_visible()
    answer_with_mouse(page)
    page.get_by_role("button", name="Save and review section").last.click()
    expect(page.get_by_text("⚑ Flagged").first).to_be_visible()
    expect(page.get_by_text("1 of", exact=False).first).to_be_visible()
    page.get_by_role("link", name="Finish section 1").click()
    page.get_by_role("button", name="Yes, finish section 1").click()
    expect(page.get_by_text("cannot go back")).to_be_visible()  # the problem–solution section's intro
    page.get_by_role("button", name="Continue").click()
    # Back starts only once Continue's navigation has landed: a Back that interrupts a navigation
    # detaches Chromium's page ("Not attached to an active page"), a flake CI once hit.
    expect(page.locator(".progress")).to_be_visible()
    for _ in range(4):  # past the intro, the confirmation and the review screen, to a section 1 question
        page.go_back(wait_until="load")
        page.wait_for_load_state("load")
    expect(page.locator(".progress")).not_to_have_text("Question 1 of 1")
    assert "section 2" in page.locator(".attempt-bar").inner_text() or "locked" in page.content()
    live.clock.advance(minutes=100)
    page.goto(live.url + "/attempts")
    page.get_by_role("link", name="1").first.click()
    expect(page.get_by_text("time ran out")).to_be_visible()
    assert axe_violations(page) == []


@pytest.mark.parametrize("item_type", ["single", "multiple", "matching", "build_list", "dropdown", "yes_no",
                                       "problem_solution", "case_study"])
def test_every_type_with_the_keyboard_alone(live, page: Page, item_type: str):
    page.goto(live.url + "/practice?exam=ai-102")
    page.locator(f"input[name=type][value={item_type}]").check()
    page.locator("#count").fill("1")
    page.get_by_role("button", name="Start practice").click()
    # Wait for the question page and its script: count() and all() below do not wait, and on a
    # slow machine they ran against the builder page, so an empty answer was posted.
    page.wait_for_url(re.compile(r"/attempts/\d+(/intro)?$"))
    if page.url.endswith("/intro"):  # a set or a case study opens with its intro: Continue has the focus
        expect(page.get_by_role("button", name="Continue")).to_be_focused()  # autofocus lands after load
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/attempts/\d+$"))
    page.wait_for_load_state("load")
    form = page.locator("form.answer")
    if item_type in ("single", "problem_solution"):
        form.locator("input[type=radio]").first.focus()
        page.keyboard.press("Space")
    elif item_type == "multiple":
        boxes = form.locator("input[type=checkbox]")
        boxes.first.focus()
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
        page.keyboard.press("Space")
    elif item_type in ("matching", "build_list"):
        chips, places = form.locator(".chip"), form.locator(".place")
        for i in range(form.locator(".target").count()):
            chips.nth(i % chips.count()).focus()
            page.keyboard.press("Enter")  # select the chip …
            places.nth(i).focus()
            page.keyboard.press("Enter")  # … then place it
        for select in form.locator(".target select").all():
            assert select.input_value() != ""
    elif item_type == "dropdown":
        for select in form.locator("select").all():
            select.focus()
            page.keyboard.press("ArrowDown")
    elif item_type == "yes_no":
        for row in form.locator("table.yesno tbody tr").all():
            row.locator("input[value=yes]").focus()
            page.keyboard.press("Space")
    elif item_type == "case_study":
        page.locator("[role=tab]").first.focus()
        page.keyboard.press("ArrowRight")
        expect(page.locator("[role=tabpanel]:visible")).to_have_count(1)
        first = form.locator("input:not([type=hidden]), select").first
        first.focus()
        page.keyboard.press("Space" if first.get_attribute("type") in ("radio", "checkbox") else "ArrowDown")
    form.locator("button[type=submit]").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".feedback")).to_be_visible()  # practice shows feedback at once
    expect(page.locator(".feedback .explanations")).to_be_visible()


@pytest.mark.accounts
def test_sign_up_and_sign_in(live, page: Page):
    page.goto(live.url + "/signup")
    page.get_by_label("Email").fill("learner@example.com")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("link", name="learner@example.com")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    page.goto(live.url + "/signin")
    page.get_by_label("Email").fill("learner@example.com")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="learner@example.com")).to_be_visible()
    cookie = next(c for c in page.context.cookies() if c["name"] == "certprep_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert json.dumps(cookie).count("learner") == 0


def test_a_quick_check_with_the_mouse(live, page: Page):
    """From the home page to the call: one question at a time, 10 to 25 of them."""
    page.goto(live.url)
    card = page.locator("section.card", has=page.locator("#exam-ai-103"))
    card.get_by_role("button", name="Quick check").click()
    page.wait_for_url(re.compile(r"/attempts/\d+$"))
    for n in range(1, 26):
        expect(page.locator(".progress")).to_have_text(f"Question {n}")
        expect(page.locator(".attempt-bar")).to_contain_text("AI-103 check")
        answer_with_mouse(page)
        page.wait_for_load_state("load")
        if "/results" in page.url:
            break
    expect(page.locator("h1")).to_contain_text("AI-103 quick check: likely")
    asked = int(page.locator(".asked").inner_text().split(": ")[1])
    assert 10 <= asked <= 25 and asked == n
    expect(page.get_by_text("Chance of passing")).to_be_visible()
    assert page.locator("meter").count() == 5  # mastery of each AI-103 domain
    assert axe_violations(page) == []
