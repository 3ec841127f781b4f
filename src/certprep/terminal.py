"""Terminal rendering and the interactive exam loop (Rich). The CLI's only UI module.

Input conventions: single `B`; multiple `A C`; matching `A=2 B=1` (targets lettered, sources
numbered); build list `3 1 4` (step numbers in order); drop-downs one prompt per blank;
Yes/No one `y`/`n` per statement (`y n y`); solutions `y` or `n`.
Commands at any prompt: Enter or `n` next, `p` previous, `g N` go to, `f` flag, `r` review
screen, `s` the case study's scenario again, `e` end section, `t` hide/show timer, `q` save and
quit, `?` help.
"""

from __future__ import annotations

import datetime as dt
import string

from rich.console import Console, Group
from rich.markdown import Markdown
from rich.panel import Panel
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from certprep.bank.items import (
    BLANK, BuildListBody, CaseStudyItem, DropdownBody, MatchingBody, MultipleBody, SingleBody, SolutionBody, YesNoBody,
)
from certprep.engine.attempts import Attempts, AttemptView, QuestionState
from certprep.errors import AttemptClosed, AttemptError, CertprepError
from certprep.markup import literal, plain

LETTERS = string.ascii_uppercase
HELP = ("Enter/n next · p previous · g N go to · f flag · r review · s case scenario · "
        "show: see the answer (practice; it then counts as not answered) · e end section · t timer · q save and quit")
# Shown once when a problem–solution set or a case study starts, as the real exam does.
INTROS = {
    "problem_solution": ("Problem and solutions",
                         "Each question states the same goal and proposes one solution: answer y if it meets the "
                         "goal, n if not. More than one solution, or none, may meet it.\nYou cannot go back: once "
                         "you answer a question and move on, its answer is final (no flags here)."),
    "case_study": ("Case study",
                   "A scenario, then several questions about it (`s` shows the scenario again). Within the case "
                   "study you can go back, change answers and flag questions.\nOnce you finish the case study, "
                   "you cannot return to it."),
}


# ---- rendering a question


def _exhibits(exhibits) -> list:
    out = []
    for ex in exhibits:
        body = Syntax(ex.content, ex.language or "text", word_wrap=True) if ex.kind == "code" else Markdown(ex.content)
        out.append(Panel(body, title=ex.title, title_align="left"))
    return out


def render_body(body) -> Group:
    """A question as the learner sees it: no key, no explanation."""
    parts: list = []
    if isinstance(body, SolutionBody):
        parts += [Markdown(body.stem), Text(f"Goal: {body.goal}", style="bold"), *_exhibits(body.exhibits),
                  Text("Solution:", style="bold"), Markdown(body.solution.text),
                  Text("Does the solution meet the goal? (y/n)", style="cyan")]
        return Group(*parts)
    parts += [Markdown(body.stem), *_exhibits(body.exhibits)]
    if isinstance(body, (SingleBody, MultipleBody)):
        for letter, o in zip(LETTERS, body.options):
            parts.append(Text.assemble((f" {letter}. ", "bold"), plain(o.text)))
        if isinstance(body, MultipleBody):
            parts.append(Text(f"Choose {body.choose}, e.g. `A C`.", style="cyan"))
    elif isinstance(body, MatchingBody):
        table = Table(show_header=True, box=None)
        table.add_column("Sources")
        table.add_column("Targets")
        for i in range(max(len(body.sources), len(body.targets))):
            src = f"{i + 1}. {plain(body.sources[i].text)}" if i < len(body.sources) else ""
            tgt = f"{LETTERS[i]}. {plain(body.targets[i].text)}" if i < len(body.targets) else ""
            table.add_row(src, tgt)
        parts += [table, Text("Match each target to a source, e.g. `A=2 B=1` (a source may be reused).", style="cyan")]
    elif isinstance(body, BuildListBody):
        for i, st in enumerate(body.steps, 1):
            parts.append(Text(f" {i}. {plain(st.text)}"))
        parts.append(Text(f"Order {len(body.key)} of these steps, e.g. `3 1 4`.", style="cyan"))
    elif isinstance(body, DropdownBody):  # blanks numbered as shown: their ids are the bank's
        numbers = {b.id: n for n, b in enumerate(body.blanks, 1)}
        shown = BLANK.sub(lambda m: f"[{numbers.get(m.group(1), '?')}]", body.template)
        parts.append(Syntax(shown, body.language, word_wrap=True) if body.language else Markdown(shown))
        for n, b in enumerate(body.blanks, 1):
            parts.append(Text(f" [{n}]: " + "  ".join(f"{i}. {literal(o.text)}" for i, o in enumerate(b.options, 1))))
    elif isinstance(body, YesNoBody):
        for i, st in enumerate(body.statements, 1):
            parts.append(Text(f" {i}. {plain(st.text)}"))
        parts.append(Text("Answer y or n for each statement, e.g. `y n y`.", style="cyan"))
    return Group(*parts)


def case_scenario(item: CaseStudyItem) -> Group:
    return Group(Text(item.title, style="bold"), *[Panel(Markdown(t.content), title=t.title, title_align="left")
                                                   for t in item.scenario])


def show_response(body, response) -> str:
    """A stored response in the notation the learner typed it."""
    if response is None:
        return "—"
    if isinstance(body, (SingleBody, MultipleBody)):
        ids = [o.id for o in body.options]
        chosen = [response] if isinstance(response, str) else response
        return " ".join(LETTERS[ids.index(r)] for r in chosen)
    if isinstance(body, MatchingBody):
        t_ids, s_ids = [t.id for t in body.targets], [s.id for s in body.sources]
        return " ".join(f"{LETTERS[t_ids.index(t)]}={s_ids.index(s) + 1}" for t, s in sorted(response.items(), key=lambda kv: t_ids.index(kv[0])))
    if isinstance(body, BuildListBody):
        ids = [s.id for s in body.steps]
        return " ".join(str(ids.index(r) + 1) for r in response)
    if isinstance(body, DropdownBody):
        out = []
        for n, b in enumerate(body.blanks, 1):
            ids = [o.id for o in b.options]
            out.append(f"[{n}]={ids.index(response[b.id]) + 1}" if b.id in response else f"[{n}]=—")
        return " ".join(out)
    if isinstance(body, YesNoBody):
        return " ".join(("y" if response.get(s.id) else "n") if s.id in response else "—" for s in body.statements)
    if isinstance(body, SolutionBody):
        return "y" if response else "n"
    return str(response)


def explanations(body) -> Table:
    """Every option's explanation, marking the key."""
    table = Table(show_header=False, box=None, padding=(0, 1))
    if isinstance(body, (SingleBody, MultipleBody)):
        keys = {body.key} if isinstance(body, SingleBody) else set(body.key)
        for letter, o in zip(LETTERS, body.options):
            table.add_row(("✔ " if o.id in keys else "  ") + letter, Markdown(o.explanation))
    elif isinstance(body, MatchingBody):
        names = {s.id: s.text for s in body.sources}
        for letter, t in zip(LETTERS, body.targets):
            table.add_row(letter, Markdown(f"**{t.text}** → {names[body.key[t.id]]}. {t.explanation}"))
        for i, s in enumerate(body.sources, 1):
            table.add_row(str(i), Markdown(f"{s.text}: {s.explanation}"))
    elif isinstance(body, BuildListBody):
        for i, st in enumerate(body.steps, 1):
            where = f"step {body.key.index(st.id) + 1}" if st.id in body.key else "spare"
            table.add_row(f"{i} ({where})", Markdown(st.explanation))
    elif isinstance(body, DropdownBody):
        for n, b in enumerate(body.blanks, 1):
            for i, o in enumerate(b.options, 1):
                table.add_row(("✔ " if o.id == b.key else "  ") + f"[{n}].{i}", Markdown(f"{o.text}: {o.explanation}"))
    elif isinstance(body, YesNoBody):
        for i, st in enumerate(body.statements, 1):
            table.add_row(f"{i} ({'Yes' if st.key else 'No'})", Markdown(st.explanation))
    elif isinstance(body, SolutionBody):
        table.add_row("Yes" if body.solution.key else "No", Markdown(body.solution.explanation))
    return table


# ---- parsing what the learner typed


def parse_input(body, text: str, ask) -> object:
    """Turn typed notation into a response; `ask(prompt)` asks for more (drop-downs)."""
    tokens = text.replace(",", " ").split()
    if isinstance(body, SingleBody):
        return _letter(tokens[0], [o.id for o in body.options]) if len(tokens) == 1 else _fail("type one letter")
    if isinstance(body, MultipleBody):
        return [_letter(t, [o.id for o in body.options]) for t in tokens]
    if isinstance(body, MatchingBody):
        out = {}
        for tok in tokens:
            t, _, s = tok.partition("=")
            out[_letter(t, [x.id for x in body.targets])] = _number(s, [x.id for x in body.sources])
        return out
    if isinstance(body, BuildListBody):
        return [_number(t, [s.id for s in body.steps]) for t in tokens]
    if isinstance(body, YesNoBody):
        if len(tokens) != len(body.statements):
            _fail(f"give {len(body.statements)} answers (y or n)")
        return {s.id: t for s, t in zip(body.statements, tokens)}
    if isinstance(body, SolutionBody):
        return tokens[0] if tokens else _fail("type y or n")
    if isinstance(body, DropdownBody):
        out = {}
        for i, b in enumerate(body.blanks):
            reply = text if i == 0 else ask(f"[{i + 1}] option number")
            out[b.id] = _number(reply.strip(), [o.id for o in b.options])
        return out
    return _fail("this question cannot be answered here")


def _fail(message: str):
    raise AttemptError(message)


def _letter(token: str, ids: list[str]) -> str:
    i = LETTERS.find(token.strip().upper()) if len(token.strip()) == 1 else -1
    if not 0 <= i < len(ids):
        _fail(f"{token!r} is not one of {', '.join(LETTERS[:len(ids)])}")
    return ids[i]


def _number(token: str, ids: list[str]) -> str:
    if not token.isdigit() or not 1 <= int(token) <= len(ids):
        _fail(f"{token!r} is not a number from 1 to {len(ids)}")
    return ids[int(token) - 1]


# ---- the loop


class Session:
    """Drives one attempt at the terminal until it is finished or the learner quits."""

    def __init__(self, attempts: Attempts, attempt_id: int, console: Console, read_line,
                 confidence: bool = False) -> None:
        self.attempts, self.id, self.console, self.read = attempts, attempt_id, console, read_line
        self.show_timer, self.confidence = True, confidence

    def ask(self, prompt: str) -> str:
        self.console.print(prompt + "> ", end="")
        line = self.read()
        if line is None:  # end of input: leave the attempt to be resumed
            raise EOFError
        return line.rstrip("\n")

    def header(self, view: AttemptView, q: QuestionState) -> None:
        """Where the learner is, by number: item ids are bank ids and hint at the answer."""
        section_qs = view.section_questions()
        idx = section_qs.index(q) + 1
        left = view.remaining(self.attempts.clock())
        timer = f"  ⏱ {_clock(left)}" if (left is not None and self.show_timer) else ""
        flag = "  ⚑ flagged" if q.flagged else ""
        n_sections = len(view.form.sections)
        self.console.rule(f"Question {q.position + 1} of {len(view.questions)} · section {view.section + 1} of "
                          f"{n_sections}, {idx} of {len(section_qs)}{flag}{timer}")

    def review_screen(self, view: AttemptView) -> None:
        table = Table(title=f"Review: section {view.section + 1}")
        for col in ("#", "question", "answered", "flagged", "your answer"):
            table.add_column(col)
        for i, q in enumerate(view.section_questions(), 1):
            table.add_row(str(i), f"Question {q.position + 1} of {len(view.questions)}", "yes" if q.answered else "NO",
                          "⚑" if q.flagged else "", show_response(q.body, q.response))
        self.console.print(table)

    def run(self) -> AttemptView:
        """Loop until finished; returns the final view (open if the learner quit)."""
        shown_case = None
        try:
            while True:
                view = self.attempts.get(self.id)
                if not view.open:
                    return view
                if view.intro_due:
                    title, text = INTROS[view.intro_due]
                    self.console.print(Panel(text, title=f"{title}: {len(view.section_questions())} questions",
                                             title_align="left"))
                    self.attempts.dismiss_intro(self.id)
                    continue
                q = view.current()
                assert q is not None
                if isinstance(q.item, CaseStudyItem) and shown_case != q.item.id:
                    self.console.print(case_scenario(q.item))
                    shown_case = q.item.id
                self.header(view, q)
                self.console.print(render_body(q.body))
                if q.answered:
                    self.console.print(f"Your answer: {show_response(q.body, q.response)}", style="green")
                elif q.revealed:
                    self.console.print("Answer shown: counts as not answered; `n` goes on.", style="yellow")
                if not self.step(view, q, self.ask("answer or command (? for help)").strip()):
                    return self.attempts.get(self.id)
        except EOFError:
            self.console.print(f"\nSaved. Resume with: certprep resume {self.id}")
            return self.attempts.get(self.id)

    def step(self, view: AttemptView, q: QuestionState, line: str) -> bool:
        """Apply one line of input; False ends the loop (quit)."""
        section_qs = view.section_questions()
        idx = section_qs.index(q)
        cmd, _, arg = line.partition(" ")
        try:
            if line in ("", "n"):
                if idx + 1 < len(section_qs):
                    self.attempts.goto(self.id, idx + 1)
                else:
                    self.review_screen(view)
                    self.console.print("End of section: `e` to finish it, `g N` to go back.")
            elif line == "p":
                self.attempts.goto(self.id, max(idx - 1, 0))
            elif cmd == "g" and arg.strip().isdigit():
                self.attempts.goto(self.id, int(arg) - 1)
            elif line == "f":
                self.attempts.flag(self.id, q.key, not q.flagged)
            elif line == "r":
                self.review_screen(view)
            elif line == "s" and isinstance(q.item, CaseStudyItem):
                self.console.print(case_scenario(q.item))
            elif line == "t":
                self.show_timer = not self.show_timer
            elif line == "?":
                self.console.print(HELP)
            elif line == "show":  # a word, not a letter: letters are answers
                self.attempts.reveal(self.id, q.key)
                self.console.print(Text(f"Answer shown: counts as not answered (0 of {q.max_points} points)",
                                        style="bold yellow"))
                self.console.print(explanations(q.body))
            elif line == "q":
                self.console.print(f"Saved. Resume with: certprep resume {self.id}")
                return False
            elif line == "e":
                unanswered = [str(i) for i, x in enumerate(section_qs, 1) if not x.answered]
                if unanswered:
                    self.console.print(f"Unanswered: {', '.join(unanswered)}.")
                if self.ask("Finish this section? It cannot be reopened (y/n)").strip().lower() == "y":
                    self.attempts.finish_section(self.id)
            else:
                response = parse_input(q.body, line, self.ask)
                sure = None
                if self.confidence:
                    reply = self.ask("How sure are you? l(ow) m(edium) h(igh), Enter to skip").strip().lower()[:1]
                    sure = {"l": "low", "m": "medium", "h": "high"}.get(reply)
                fb = self.attempts.answer(self.id, q.key, response, sure)
                if fb is not None:
                    mark = "Correct" if fb.points == fb.max_points else f"{fb.points} of {fb.max_points} points"
                    self.console.print(Text(mark, style="bold green" if fb.points == fb.max_points else "bold red"))
                    self.console.print(explanations(q.body))
                if idx + 1 < len(section_qs):
                    self.attempts.goto(self.id, idx + 1)
                elif not view.current_section().revisit or view.mode != "exam":
                    self.review_screen(self.attempts.get(self.id))
                    self.console.print("Last question of the section: `e` to finish it.")
        except AttemptClosed as exc:
            self.console.print(f"[red]{exc}[/red]")
        except CertprepError as exc:
            self.console.print(f"[red]{exc}[/red]")
        return True


def run_check(checks, attempt_id: int, console: Console, read_line) -> AttemptView:
    """An adaptive check (learn/checks.py) at the terminal: one question at a time, answers are
    final, `q` saves and quits. Returns the last view (open if the learner quit)."""
    def ask(prompt: str) -> str:
        console.print(prompt + "> ", end="")
        line = read_line()
        if line is None:
            raise EOFError
        return line.rstrip("\n")

    view = checks.advance(attempt_id)  # a crash between an answer and the next question
    try:
        while view.open:
            q = view.current()
            console.rule(f"Quick check · question {len(view.questions)} · {q.key}")
            console.print(render_body(q.body))
            line = ask("answer (q to save and quit)").strip()
            if line == "q":
                raise EOFError
            try:
                _, view = checks.answer(attempt_id, q.key, parse_input(q.body, line, ask))
            except CertprepError as exc:
                console.print(f"[red]{exc}[/red]")
    except EOFError:
        console.print(f"\nSaved. Resume with: certprep resume {attempt_id}")
    return view


def _clock(left: dt.timedelta) -> str:
    total = int(left.total_seconds())
    return f"{total // 3600}:{total % 3600 // 60:02d}:{total % 60:02d}"


# ---- reports


SCALED_NOTE = ("The scaled score is certprep's estimate: your share of the points mapped onto 1–1000 with our "
               "estimate of the cut (70 % of the points) at 700, so 700 is not 70 % of the questions and not a "
               "promise about the real exam. `certprep serve` explains it in full on its Scoring page (/scoring).")
PRACTICE_NOTE = ("Practice gets points per domain and no pass/fail verdict: a practice set is too small and "
                 "too focused to predict an exam. Take a diagnostic or an exam for a scaled score.")


def render_report(result: dict, title: str = "Result", mode: str = "exam") -> Group:
    """The score report. A practice set shows its points per domain; only exams and diagnostics
    get a scaled score and a verdict (a few focused questions predict nothing about an exam)."""
    practice = mode == "practice"
    raw = f"{result['points']}/{result['max_points']} points ({result['percent']}%)"
    if practice:
        head = Text.assemble((f"{title}: ", "bold"), (raw, "bold"))
    else:
        verdict = Text("PASS" if result["passed"] else "FAIL", style="bold green" if result["passed"] else "bold red")
        head = Text.assemble((f"{title}: ", "bold"), (f"{result['scaled_score']}", "bold"),
                             f" / 1000 (pass at {result['passing_score']})  ", verdict, f"   raw {raw}")
    table = Table(show_header=True, box=None)
    table.add_column("Domain")
    table.add_column("Points", justify="right")
    table.add_column("Score", justify="right")
    table.add_column("")
    for d in result["domains"]:
        if practice and not d["max_points"]:
            continue  # a domain the practice set did not touch
        bar = "█" * round(d["percent"] / 5) + "·" * (20 - round(d["percent"] / 5))
        table.add_row(d["name"], f"{d['points']}/{d['max_points']}", f"{d['percent']:.0f}%", bar)
    parts: list = [head, table]
    if result.get("confident_and_wrong"):
        parts.append(Text("Confident and wrong (fix these misconceptions first): "
                          + ", ".join(result["confident_and_wrong"]), style="bold red"))
    if result["weakest_domains"]:
        names = {d["id"]: d["name"] for d in result["domains"]}
        parts.append(Text("Study first: " + "; ".join(names[d] for d in result["weakest_domains"]), style="yellow"))
    parts.append(Text(PRACTICE_NOTE if practice else SCALED_NOTE, style="dim"))
    return Group(*parts)


def render_check(result: dict, title: str = "Quick check") -> Group:
    """A finished check: the pass/fail call with its probability, the expected scaled score with
    its 90 % interval, mastery per domain, and how many questions it took."""
    check = result["check"]
    passed = check["call"] == "pass"
    low, high = check["interval_90"]
    head = Text.assemble((f"{title}: ", "bold"), ("likely PASS" if passed else "likely FAIL",
                                                    "bold green" if passed else "bold red"),
                         f" (chance of passing {check['probability_of_passing']:.0%})")
    score = Text(f"Expected scaled score {check['expected_scaled_score']} (90 % interval {low}–{high}; "
                 f"pass at {result['passing_score']})\nquestions asked: {check['asked']}")
    table = Table(show_header=True, box=None)
    table.add_column("Domain")
    table.add_column("Mastery", justify="right")
    table.add_column("Asked", justify="right")
    for d in check["domains"]:
        table.add_row(d["name"], "—" if d["mastery"] is None else f"{d['mastery']:.0%}", str(d["answered"]))
    note = ("The interval excludes the pass mark: the call is sure at 90 %." if check["sure"] else
            "The check reached its 25 questions before the call was sure at 90 %: you are near the pass mark.")
    return Group(head, score, table, Text(note, style="dim"),
                 Text("How the check works: docs/learning.md", style="dim"))
