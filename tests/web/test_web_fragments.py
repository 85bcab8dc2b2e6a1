"""web/fragments.py: the hit list, the record parts kept per generation and application root."""

from __future__ import annotations

from kbweb_helpers import parse_links


def test_partial_notice_before_the_first_hit_of_each_group(client):
    """Best match: where the hits stop containing a query word, one note names what they lack."""
    q = "量化 芯片 zzqqnothing"
    data = client.get("/api/search", query_string={"q": q, "per_page": 100}).get_json()
    groups = [
        r["missing"]
        for i, r in enumerate(data["results"])
        if i == 0 or r["missing"] != data["results"][i - 1]["missing"]
    ]
    html = client.get("/", query_string={"q": q, "per_page": 100}).get_data(as_text=True)
    notes = html.count('<p class="partial-notice" role="note">')
    assert notes == len([g for g in groups if g]) >= 1
    assert "以下结果未包含：zzqqnothing</p>" in html


def test_record_parts_are_made_once_per_record(app, client):
    fragments = app.jinja_env.globals["fragments"]
    record = client.get("/api/search?q=量化").get_json()["results"][0]
    with app.test_request_context("/"):
        from web.context import index_view

        stored = index_view().record(index_view().docnums("id", record["id"])[0])
        assert fragments.parts(stored) is fragments.parts(stored)
        edited = {**stored, "outlet": "<新来源>", "companies": ["Huawei"]}  # another object, same id
        parts = fragments.parts(edited)
        assert "&lt;新来源&gt;" in parts.meta and "华为 Huawei" in parts.tags
        assert fragments.parts(stored).meta != parts.meta


def test_links_follow_the_application_root(client):
    """Record links are kept per application root: the same page under /kb links under /kb."""
    plain = client.get("/?q=量化").get_data(as_text=True)
    rooted = client.get("/?q=量化", environ_overrides={"SCRIPT_NAME": "/kb"}).get_data(as_text=True)
    again = client.get("/?q=量化").get_data(as_text=True)
    local = [a["href"] for a in parse_links(rooted).links if a["href"].startswith("/")]
    assert local and all(h.startswith("/kb/") for h in local)
    assert again == plain and all(not a["href"].startswith("/kb") for a in parse_links(plain).links)
