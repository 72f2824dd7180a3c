"""A web page's own structure gives the section path: <h2>–<h5> headings, numbered or not."""

from __future__ import annotations

from indexer import load_taxonomy, read_report

PAGE = """<!doctype html><html><head><meta charset="gbk"><title>某某县司法局2023年工作总结</title></head><body>
<div class="nav"><a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a></div>
<div class="content"><h1>某某县司法局2023年工作总结</h1>
<p>2023年，县司法局全面推进法治建设，取得新成效，各项工作走在全市前列。</p>
<h2>工作成效</h2><h3>人民调解</h3>
<p>全县调解纠纷1200件，调解成功率98%，一批重大矛盾纠纷在基层得到化解。</p>
<h2>二、存在问题</h2><p>基层力量还比较薄弱，队伍结构有待优化，经费保障仍需加强。</p></div>
<div class="share">分享到：微信 微博</div><div class="foot">版权所有：某某县人民政府</div></body></html>"""


def test_page_headings_give_the_section_path(tmp_path):
    (tmp_path / "page.html").write_bytes(PAGE.encode("gbk"))
    report = read_report(tmp_path / "page.html", load_taxonomy())
    assert report.title == "某某县司法局2023年工作总结" and report.reader.startswith("HTML")
    assert [(p.section, p.text[:6]) for p in report.paragraphs] == [
        ((), "2023年，"),
        (("工作成效", "人民调解"), "全县调解纠纷"),
        (("二、存在问题",), "基层力量还比"),
    ]
