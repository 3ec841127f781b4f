"""The history page lists 25 attempts at a time, newest first, with a link to older ones, so it
costs the same after hundreds of attempts; the score chart still covers every scored attempt."""

from __future__ import annotations

import json
import re

from .conftest import attempt_id


def test_history_pages_through_attempts_and_charts_every_exam(client):
    first_exam = attempt_id(client.post("/attempts", data={"mode": "diagnostic", "exam": "ai-102"},
                                        follow_redirects=False))
    while "/results" not in (r := client.post(f"/attempts/{first_exam}/finish-section", data={"confirmed": "1"},
                                              follow_redirects=False)).headers["location"]:
        pass  # every section finished unanswered: a scored diagnostic
    ids = [attempt_id(client.post("/attempts", data={"mode": "practice", "exam": "ai-102", "count": "1"},
                                  follow_redirects=False)) for _ in range(29)]
    newest = client.get("/attempts").text
    listed = [int(n) for n in re.findall(r'<a href="/attempts/(\d+)">Attempt', newest)]
    assert listed == list(reversed(ids))[:25]  # the 25 newest, newest first
    chart = json.loads(re.search(r'<script type="application/json" id="chart-data">(.*?)</script>', newest).group(1))
    assert [c["id"] for c in chart] == [first_exam]  # not on this page, still on the chart
    older = re.search(r'href="(/attempts\?before=\d+)">Older attempts', newest).group(1)
    rest = client.get(older).text
    assert [int(n) for n in re.findall(r'<a href="/attempts/(\d+)">Attempt', rest)] == [ids[3], ids[2], ids[1], ids[0],
                                                                                      first_exam]
    assert "Older attempts" not in rest and 'href="/attempts">Newest attempts' in rest
    assert client.get("/attempts?before=0").status_code == 400
    assert client.get("/attempts?before=99999999999999999999").status_code == 400
