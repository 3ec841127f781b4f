"""The exam, career and service pages show the bundled data."""

from __future__ import annotations

from .test_exam_flow import visible


def test_exam_pages_show_format_weights_and_status(client):
    ai102 = visible(client.get("/exams/ai-102").text)
    assert "Retired on 2026 06 30 successor AI 103" in ai102
    assert "100 minutes 40 to 60 questions" in ai102 and "Implement an agentic solution 5 10" in ai102
    ai103 = visible(client.get("/exams/AI-103").text)
    assert "successor of AI 102" in ai103 and "120 minutes" in ai103 and "Implement text analysis solutions 10 15" in ai103
    assert client.get("/exams/az-900").status_code == 400


def test_career_page_has_roles_hub_uplift_path_and_renewal(client):
    page = visible(client.get("/career").text)
    assert "Azure AI Engineer 120 000 to 155 000" in page
    assert "138 000 to 194 000" in page  # +15 % and +25 % in tech hubs
    assert "8 to 12 weeks" in page and "renewal assessment" in page and "AI 103" in page


def test_service_catalog_finds_former_names(client):
    page = visible(client.get("/services", params={"q": "Form Recognizer"}).text)
    assert "Document Intelligence" in page and "Formerly Form Recognizer" in page
    assert "Azure AI Search" not in page
    assert "No service matches" in client.get("/services", params={"q": "zzz"}).text


def test_history_page_serves_its_chart_locally(client):
    """Trends plot exams and diagnostics only (a practice set has no scaled score worth a
    trend), and the domain series are named by domain, not by id."""
    import json

    from .conftest import attempt_id, form_for
    from .test_exam_flow import engine_view

    aid = attempt_id(client.post("/attempts", data={"mode": "practice", "exam": "ai-102", "count": "2", "seed": "3"},
                                 follow_redirects=False))
    for q in engine_view(client.app, aid).questions:
        client.post(f"/attempts/{aid}/answer", data={"key": q.key, **form_for(q.body)})
    while engine_view(client.app, aid).open:
        client.post(f"/attempts/{aid}/finish-section", data={"confirmed": "1"})
    page = client.get("/attempts").text
    assert 'id="chart-data"' not in page and "pass" not in visible(page).split("Score")[1]
    diag = attempt_id(client.post("/attempts", data={"mode": "diagnostic", "exam": "ai-102"}, follow_redirects=False))
    client.post(f"/attempts/{diag}/finish-section", data={"confirmed": "1"})
    page = client.get("/attempts").text
    assert '<script src="/static/vendor/chart-4.6.1.umd.min.js"' in page and 'id="chart-data"' in page
    assert client.get("/static/vendor/chart-4.6.1.umd.min.js").status_code == 200
    data = page.split('id="chart-data">')[1].split("</script>")[0]
    assert "http" not in data
    rows = json.loads(data)
    assert [r["mode"] for r in rows] == ["diagnostic"]
    assert "Implement an agentic solution" in rows[0]["domains"] and not any(k.startswith("ai102") for k in rows[0]["domains"])
