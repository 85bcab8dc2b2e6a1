"""How tall the reader's pages are, and how tall the 筛选 panel, in Chromium at phone and desktop widths.

    python bench/page_heights.py http://127.0.0.1:8000 [--paths /,/?q=量化] [--widths 390,1280]

Needs Debian's /usr/bin/chromium and the playwright package (never downloads a browser). Prints
one line per page, width and JavaScript on/off: the document's scroll height and the facet
panel's height (px). Run it against a `kb serve` of the archive to compare two versions of the
front end (README, "Web pages"). Figures for the README only, never for tests.
"""

from __future__ import annotations

import argparse
from urllib.parse import quote

PATHS = ["/", "/?q=" + quote("量化"), "/?q=qantization", "/?q=" + quote("华为") + "&company=Huawei"]
PANEL = "(() => { const a = document.querySelector('aside.facets'); return a ? a.offsetHeight : 0 })()"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("base", help="a running kb serve, e.g. http://127.0.0.1:8000")
    parser.add_argument("--paths", default=",".join(PATHS))
    parser.add_argument("--widths", default="390,1280")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        for width in (int(w) for w in args.widths.split(",")):
            for js in (True, False):
                context = browser.new_context(viewport={"width": width, "height": 844}, java_script_enabled=js)
                page = context.new_page()
                for path in args.paths.split(","):
                    page.goto(args.base.rstrip("/") + path)
                    height = page.evaluate("document.documentElement.scrollHeight")
                    panel = round(page.evaluate(PANEL))
                    state = "on " if js else "off"
                    print(f"{width:>5} px  js {state}  page {height:>6} px  筛选 {panel:>5} px  {path}")
                context.close()
        browser.close()


if __name__ == "__main__":
    main()
