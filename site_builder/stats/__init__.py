"""The committee's record in figures (issue #12): `site-builder stats`, its CSV and 年度总结 draft,
and the 年度工作统计 page.

- `figures`: what is counted, per unit and month, per section, per person (pure functions over the
  published articles; wrong forms of unit names folded by the glossary);
- `render`: the terminal table, the CSV (UTF-8 with BOM) and the Markdown report;
- `charts` and `page`: the statistics page's figures and inline SVG bar charts.

No MkDocs here: the command line and the page registry call these.
"""
