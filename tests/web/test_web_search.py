"""The search page `/`: results, facets and their toggle links, sort, pages, chart, escaping."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from kbweb_helpers import facet_links, parse_links

from kb.search.model import FACET_NAMES


def _query(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def _count(html: str) -> int:
    match = re.search(r'id="result-count">共 <strong>(\d+)</strong> 条结果', html)
    assert match, "result count missing"
    return int(match.group(1))


def test_browsing_lists_everything_newest_first(client, sample_records):
    response = client.get("/?sort=newest")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _count(html) == len(sample_records)
    assert 'name="viewport"' in html
    assert 'lang="zh-CN"' in html
    first = sample_records[0]
    assert f'href="/item/{first["id"]}"' in html


def test_query_shows_hits_with_links_tags_and_marks(client):
    html = client.get("/?q=量化").get_data(as_text=True)
    api = client.get("/api/search?q=量化").get_json()
    assert _count(html) == api["total"] > 0
    assert "<mark>" in html
    assert "也搜索了：" in html  # synonym expansions are shown
    for hit in api["results"][:5]:
        assert f'href="/issue/{hit["date"]}#{hit["id"]}">在期刊中查看</a>' in html
        assert f'href="/item/{hit["id"]}">条目详情</a>' in html
        if hit["url"].startswith("http"):
            assert f'href="{hit["url"]}" rel="noopener noreferrer"' in html


def test_result_tags_for_company_arxiv_and_repo(client):
    html = client.get("/?q=ncnn").get_data(as_text=True)
    assert 'class="tag repo" href="https://github.com/tencent/ncnn"' in html.lower()
    html = client.get("/?q=LBQ").get_data(as_text=True)
    assert 'href="https://arxiv.org/abs/2201.05432"' in html
    html = client.get("/?company=Huawei").get_data(as_text=True)
    assert 'class="tag company" href="/?company=Huawei"' in html


def test_every_facet_is_in_the_sidebar_with_counts(client):
    html = client.get("/").get_data(as_text=True)
    links = facet_links(html)
    facets = client.get("/api/facets").get_json()["facets"]
    shown = {name for name in FACET_NAMES if facets[name]}
    assert {facet for facet, _ in links} == shown >= {"section", "company", "year", "has"}
    for label in ("栏目", "公司", "年份", "来源", "包含"):
        assert f"<summary>{label}</summary>" in html
    assert ("section", "paper") in links
    assert ("has", "arxiv") in links


def test_facet_link_toggles_the_value_in_the_url(client):
    html = client.get("/?q=量化&sort=newest").get_data(as_text=True)
    link = facet_links(html)[("section", "paper")]
    assert "selected" not in link["class"]
    assert _query(link["href"]) == {"q": ["量化"], "section": ["paper"], "sort": ["newest"]}

    html = client.get(link["href"]).get_data(as_text=True)
    links = facet_links(html)
    on = links[("section", "paper")]
    assert "selected" in on["class"] and on["aria-current"] == "true"
    assert _query(on["href"]) == {"q": ["量化"], "sort": ["newest"]}  # clicking again removes it
    # a second value of the same facet is added next to the first (OR within a facet)
    other = links[("section", "code")]
    assert _query(other["href"])["section"] == ["paper", "code"]


def test_facet_selection_filters_results(client):
    everything = client.get("/api/search?q=量化").get_json()["total"]
    html = client.get("/?q=量化&section=paper").get_data(as_text=True)
    api = client.get("/api/search?q=量化&section=paper").get_json()
    assert _count(html) == api["total"] < everything
    assert all(r["section"] == "paper" for r in api["results"])
    both = client.get("/api/search?q=量化&section=paper&section=code").get_json()
    assert both["total"] > api["total"]


def test_facet_value_typed_in_chinese_is_selected_canonically(client):
    html = client.get("/?company=华为").get_data(as_text=True)
    links = facet_links(html)
    assert "selected" in links[("company", "Huawei")]["class"]
    assert "公司：华为 Huawei" in html  # the active-filter chip
    assert _query(links[("company", "Huawei")]["href"]) == {}


def test_active_filter_chips_remove_one_value_and_clear_all(client):
    html = client.get("/?q=量化&section=paper&has=arxiv").get_data(as_text=True)
    chips = [a for a in parse_links(html).links if a.get("class") == "chip"]
    assert [_query(a["href"]) for a in chips] == [
        {"q": ["量化"], "has": ["arxiv"]},
        {"q": ["量化"], "section": ["paper"]},
    ]
    clear = [a for a in parse_links(html).links if a.get("class") == "clear"][0]
    assert _query(clear["href"]) == {"q": ["量化"]}


def test_search_form_keeps_filters_and_sort_as_hidden_fields(client):
    html = client.get("/?q=x&section=paper&sort=oldest&per_page=5").get_data(as_text=True)
    assert '<input type="hidden" name="section" value="paper">' in html
    assert '<input type="hidden" name="sort" value="oldest">' in html
    assert '<input type="hidden" name="per_page" value="5">' in html


def test_sort_links_and_order(client):
    html = client.get("/?q=量化").get_data(as_text=True)
    assert '<strong aria-current="true">相关度</strong>' in html
    assert 'href="/?q=%E9%87%8F%E5%8C%96&amp;sort=newest">最新</a>' in html
    assert 'href="/?q=%E9%87%8F%E5%8C%96&amp;sort=oldest">最早</a>' in html
    newest = client.get("/api/search?sort=newest&per_page=100").get_json()["results"]
    oldest = client.get("/api/search?sort=oldest&per_page=100").get_json()["results"]
    assert [r["date"] for r in newest] == sorted((r["date"] for r in newest), reverse=True)
    assert [r["date"] for r in oldest] == sorted(r["date"] for r in oldest)


def test_pagination_links(client, sample_records):
    html = client.get("/?per_page=10&page=2").get_data(as_text=True)
    pages = -(-len(sample_records) // 10)
    assert f"第 2 / {pages} 页" in html
    hrefs = [a["href"] for a in parse_links(html).links if "rel" in a]
    assert "/?per_page=10" in hrefs  # previous page: page 1 is the default, left out
    assert "/?per_page=10&page=3" in hrefs
    assert '<ol class="hits" start="11">' in html


def test_page_beyond_the_last_says_so_and_links_back(client):
    response = client.get("/?q=量化&page=99999")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "第 99999 页没有结果" in html
    assert 'href="/?q=%E9%87%8F%E5%8C%96">回到第 1 页</a>' in html
    assert 'class="hit"' not in html


def test_chart_is_inline_svg_without_style_attributes(client):
    html = client.get("/?q=量化").get_data(as_text=True)
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'class="bar"' in svg and "<title>" in svg
    assert "style=" not in svg
    api = client.get("/api/search?q=量化&per_page=100").get_json()
    assert api["total"] <= 100
    dates = {r["date"] for r in api["results"]}
    assert svg.count('class="bar"') == len(dates) > 0
    for date in dates:
        assert f'<a href="/issue/{date}" tabindex="-1"><rect class="bar"' in svg


def test_no_chart_when_nothing_matches(client):
    html = client.get("/?q=zzqqxxnothing").get_data(as_text=True)
    assert "<svg" not in html
    assert "没有找到匹配的条目" in html


def test_corrected_query_is_said_once_in_chinese(client):
    html = client.get("/?q=benchmrk").get_data(as_text=True)
    api = client.get("/api/search?q=benchmrk").get_json()
    assert api["suggestion"] == "benchmark" and api["corrected_from"] == "benchmrk"
    assert "没有找到“benchmrk”，以下是“benchmark”的结果。" in html
    assert "你是不是要找" not in html  # the corrected word is already the one shown
    assert "no results" not in html and "showing" not in html


def test_unknown_facet_value_gives_zero_results_and_a_notice(client):
    response = client.get("/?company=NoSuchCompany")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _count(html) == 0
    assert 'class="notice"' in html and "NoSuchCompany" in html
    assert client.get("/?year=abcd").status_code == 200
    assert client.get("/?section=nonsense").status_code == 200


def test_unknown_parameter_names_are_ignored(client):
    plain = _count(client.get("/?q=量化").get_data(as_text=True))
    assert _count(client.get("/?q=量化&color=blue&facet=x").get_data(as_text=True)) == plain


def test_script_in_query_comes_back_escaped(client):
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    html = client.get("/", query_string={"q": attack}).get_data(as_text=True)
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(" in html
    assert 'value="&lt;script&gt;' in html  # in the search box too
    # the only script tag is the static app.js
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/app.js" defer>']


def test_query_with_quotes_is_escaped_in_attributes(client):
    html = client.get("/", query_string={"q": '" autofocus onfocus="alert(1)'}).get_data(as_text=True)
    assert 'onfocus="alert(1)' not in html
    assert "&#34; autofocus onfocus=&#34;alert(1)" in html


def test_long_query_is_cut_with_a_notice(client):
    response = client.get("/", query_string={"q": "量化 " * 400})  # 2,400 chars, 3 KB
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "查询过长，只用了前 1000 个字符" in html
    assert "query cut" not in html  # the English gloss is for the CLI and the API


def test_partial_matches_say_in_chinese_which_words_they_lack_and_links_keep_the_state(client):
    query = "/?q=" + "华为 芯片 xilinxzz" + "&section=news&sort=relevance&per_page=10"
    response = client.get(query)
    html = response.get_data(as_text=True)
    api = client.get("/api/search?q=华为 芯片 xilinxzz&section=news&per_page=10").get_json()
    assert api["total"] > 0 and api["partial_from"] == 1  # no item has the made-up word
    assert "以下结果未包含：xilinxzz" in html
    assert all("xilinxzz" in r["missing"] for r in api["results"])
    assert "条包含全部词" in html
    links = facet_links(html)
    assert links
    for attrs in links.values():  # every facet toggle keeps the query and the other state
        state = _query(attrs["href"])
        assert state["q"] == ["华为 芯片 xilinxzz"] and state.get("per_page") == ["10"]


# -- front page ---------------------------------------------------------------------------------
def test_front_page_shows_the_latest_issue_and_the_archive_shape(client, sample_records):
    html = client.get("/").get_data(as_text=True)
    latest = max(r["date"] for r in sample_records)
    assert f'最新一期 <a href="/issue/{latest}">{latest}</a>' in html
    front = html[html.index('class="front-latest"') : html.index('class="front-shape"')]
    latest_ids = [r["id"] for r in sample_records if r["date"] == latest]
    assert all(f'href="/item/{rid}"' in front for rid in latest_ids)
    assert front.count('href="/item/') == len(latest_ids)
    assert f"收录 <strong>4</strong> 期、<strong>{len(sample_records)}</strong> 条" in html
    shape = html[html.index('class="front-shape"') :]
    assert 'href="/?section=paper&amp;sort=newest"' in shape
    assert 'href="/?company=Huawei&amp;sort=newest"' in shape
    assert 'href="/?q=%E9%87%8F%E5%8C%96">量化</a>' in shape  # a topic is a search
    assert 'class="hits"' not in html and '<strong aria-current="true">相关度</strong>' not in html
    assert 'href="/?sort=newest">按时间浏览全部条目</a>' in html


def test_any_query_filter_sort_or_page_leaves_the_front_page(client):
    for url in ("/?q=量化", "/?section=paper", "/?sort=newest", "/?page=2"):
        html = client.get(url).get_data(as_text=True)
        assert 'class="front-latest"' not in html, url
        assert 'class="hits"' in html, url


# -- facets: top values, the rest under 更多 ------------------------------------------------------
def _facet_block(html: str, name: str) -> str:
    start = html.index(f'data-facet="{name}"')
    start = html.rindex('<details class="facet"', 0, start)
    ends = [html.find(tag, start + 1) for tag in ('<details class="facet"', "</aside>")]
    return html[start : min(e for e in ends if e > 0)]


def test_facets_show_eight_values_then_more(client):
    html = client.get("/").get_data(as_text=True)
    api = client.get("/api/search").get_json()
    outlets = api["facets"]["outlet"]
    assert len(outlets) > 8
    block = _facet_block(html, "outlet")
    head, more = block.split('<details class="more">')
    assert head.count('class="facet-value') == 8
    assert more.count('class="facet-value') == len(outlets) - 8
    assert f'<summary>更多<span class="visually-hidden">来源</span>（{len(outlets) - 8}）</summary>' in more
    section = _facet_block(html, "section")
    assert '<details class="more">' not in section  # six sections: nothing to hide
    assert '<details class="facet-panel" open>' in html
    assert '<summary class="facet-panel-title">筛选</summary>' in html


def test_a_selected_value_beyond_the_top_eight_stays_visible(client):
    api = client.get("/api/search").get_json()
    last = api["facets"]["outlet"][-1]["value"]
    html = client.get("/", query_string={"outlet": last, "sort": "newest"}).get_data(as_text=True)
    head = _facet_block(html, "outlet").split('<details class="more">')[0]
    assert f'data-value="{last}" aria-current="true"' in head


def test_top_first_keeps_order_and_lifts_selected_values():
    from kb.search.model import FacetValue
    from web.views.search import top_first

    values = [FacetValue(str(i), str(i), 20 - i, i == 10) for i in range(12)]
    ordered, shown = top_first(values, 8)
    assert [v.value for v in ordered[:shown]] == [*map(str, range(8)), "10"]
    assert [v.value for v in ordered[shown:]] == ["8", "9", "11"]
    assert top_first(values[:5], 8)[1] == 5


# -- keyboard and screen reader -------------------------------------------------------------------
def test_skip_link_jumps_to_the_results_and_landmarks_are_labelled(client):
    html = client.get("/?q=量化").get_data(as_text=True)
    skip = '<body>\n<a class="skip-link" href="#results">跳到搜索结果</a>'
    assert skip in html and html.index(skip) < html.index("<header")
    assert '<section class="results" id="results" tabindex="-1" aria-labelledby="result-count">' in html
    assert '<nav aria-label="网站">' in html and '<aside class="facets" id="facets" aria-label="筛选">' in html
    assert 'role="search"' in html and '<main id="main"' in html
    front = client.get("/").get_data(as_text=True)
    assert '<a class="skip-link" href="#results">跳到最新一期</a>' in front
    item = client.get("/issues").get_data(as_text=True)
    assert '<a class="skip-link" href="#main">跳到正文</a>' in item


def test_the_chart_is_one_tab_stop_with_a_text_summary(client):
    html = client.get("/?q=量化").get_data(as_text=True)
    svg = html[html.index("<svg") : html.index("</svg>")]
    bars = svg.count('class="bar"')
    assert bars > 1 and svg.count('tabindex="-1"') == bars and svg.count('tabindex="0"') == 1
    assert 'role="img" tabindex="0" aria-labelledby="chart-caption"' in svg
    caption = re.search(r'<figcaption id="chart-caption">([^<]*)</figcaption>', html).group(1)
    assert re.match(r"每期匹配条数：\d+ 期有匹配，最多的一期 \d{4}-\d\d-\d\d（\d+ 条）", caption)


# -- notices in Chinese ------------------------------------------------------------------------------
def test_notices_drop_the_english_gloss(client):
    html = client.get("/", query_string={"q": "foo:bar 量化", "company": "NoSuchCompany"}).get_data(as_text=True)
    notices = re.findall(r'<p class="notice">([^<]*)</p>', html)
    assert notices and all(re.search("[\u4e00-\u9fff]", n) for n in notices)
    assert not any(re.search(r"\((unknown|no |ignored)", n) for n in notices), notices
    api = client.get("/api/search", query_string={"q": "foo:bar"}).get_json()
    assert any("unknown field" in n for n in api["notices"])  # the API keeps both languages


def test_zh_notice_keeps_chinese_parentheses_and_values():
    from web.app import zh_notice

    assert zh_notice("未知字段 'foo'，按普通词搜索 (unknown field 'foo': searched as words)") == (
        "未知字段 'foo'，按普通词搜索"
    )
    assert zh_notice("不是 arXiv 编号 (not an arXiv ID): 'x'") == "不是 arXiv 编号: 'x'"
    assert zh_notice("查询词太多，只用了前 8 个；未用：a (b)") == "查询词太多，只用了前 8 个；未用：a (b)"
    assert zh_notice("已忽略 '（括号）'") == "已忽略 '（括号）'"


# -- feed link ------------------------------------------------------------------------------------------
def test_results_page_links_its_feed(client):
    html = client.get("/?q=量化&section=paper&sort=oldest&page=2").get_data(as_text=True)
    feed = "/feed.xml?q=%E9%87%8F%E5%8C%96&amp;section=paper"
    assert f'<link rel="alternate" type="application/atom+xml" href="{feed}"' in html
    assert f'<a href="{feed}" type="application/atom+xml">订阅这个搜索（Atom）</a>' in html


def test_without_a_query_there_is_no_relevance_sort_to_pick(client):
    html = client.get("/?company=Huawei").get_data(as_text=True)
    sort = html[html.index('<p class="sort">') : html.index("</p>", html.index('<p class="sort">'))]
    assert "相关度" not in sort and '<strong aria-current="true">最新</strong>' in sort
    assert 'href="/?company=Huawei&amp;sort=oldest">最早</a>' in sort
    with_query = client.get("/?q=量化").get_data(as_text=True)
    assert '<strong aria-current="true">相关度</strong>' in with_query
