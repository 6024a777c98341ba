"""The command line: exit codes 0/1/2, messages as `path:line: …`, never a traceback."""

from tests.conftest import DEMO_NOW, article, copy_demo, run_cli


def test_check_passes_on_the_demo(tmp_path, monkeypatch, capsys):
    copy_demo(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SITE_BUILDER_NOW", DEMO_NOW)
    code, output = run_cli(["check"], capsys)
    assert code == 0, output
    assert "0 个错误" in output


def test_check_lists_every_problem_with_path_and_line(tmp_path, monkeypatch, capsys):
    copy_demo(tmp_path)
    news = tmp_path / "content/news/2025"
    (news / "2025-01-01-坏的格式.md").write_text("---\ntitle: 甲\ntags: [a, b\n---\n正文\n", encoding="utf-8")
    (news / "2025-01-02-缺标题.md").write_text("---\ndate: 2025-01-02\n---\n正文\n", encoding="utf-8")
    (news / "2025-01-03-坏日期.md").write_text("---\ntitle: 乙\ndate: 明天上午\n---\n正文\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SITE_BUILDER_NOW", DEMO_NOW)
    code, output = run_cli(["check"], capsys)
    assert code == 1
    assert "content/news/2025/2025-01-01-坏的格式.md:4: 错误: front matter 的格式有误" in output
    assert "content/news/2025/2025-01-02-缺标题.md:1: 错误: 缺少 title（标题）" in output
    assert "content/news/2025/2025-01-03-坏日期.md:3: 错误: 日期“明天上午”无法识别" in output
    assert "Traceback" not in output


def test_build_with_content_errors_exits_1_and_keeps_the_previous_site(make_project, capsys):
    project = make_project({"news/2024-05-01-甲.md": article("甲")})
    assert run_cli(["build", "-d", "site"], capsys)[0] == 0
    before = {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    (project / "content/news/2024-05-02-乙.md").write_text("---\ntitle: 乙\n---\n", encoding="utf-8")
    code, output = run_cli(["build", "-d", "site"], capsys)
    assert code == 1 and "2024-05-02-乙.md:1: 错误: 缺少 date" in output and "Traceback" not in output
    after = {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []


def test_configuration_errors_exit_2(make_project, capsys):
    project = make_project({})
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("site_builder:", "site_builder:\n      timezone: Mars/Base"),
        encoding="utf-8",
    )
    code, output = run_cli(["build"], capsys)
    assert code == 2 and "Mars/Base" in output and "Traceback" not in output
    assert run_cli(["check", "-f", "missing.yml"], capsys)[0] == 2
    assert run_cli(["build", "--no-such-option"], capsys)[0] == 2


def test_build_refuses_to_write_over_the_sources(make_project, capsys):
    make_project({"news/2024-05-01-甲.md": article()})
    code, output = run_cli(["build", "-d", "content"], capsys)
    assert code == 2 and "覆盖" in output


def test_new_creates_a_bundle_from_the_section_template(make_project, capsys):
    project = make_project(
        {"templates/reports.md": "---\ntitle: {{ title }}\ndate: {{ date }}\n# 活动模板\ndraft: true\n---\n"}
    )
    code, output = run_cli(["new", "reports", '重阳节"敬老"活动/第一场', "--date", "2024-10-11"], capsys)
    assert code == 0, output
    created = next((project / "content/reports/2024").iterdir()) / "index.md"
    text = created.read_text(encoding="utf-8")
    assert "# 活动模板" in text and 'title: "重阳节\\"敬老\\"活动/第一场"' in text
    # The new article is valid (a draft) and therefore not published.
    code, output = run_cli(["check"], capsys)
    assert code == 0, output
    assert run_cli(["new", "nope", "甲"], capsys)[0] == 2


def test_default_template_explains_every_field_and_checks_clean(make_project, capsys):
    project = make_project({})
    assert run_cli(["new", "news", "区关工委召开会议", "--date", "2024-03-01"], capsys)[0] == 0
    text = next((project / "content/news/2024").iterdir()).joinpath("index.md").read_text(encoding="utf-8")
    for key in (
        "title",
        "date",
        "summary",
        "cover",
        "photos",
        "category",
        "tags",
        "unit",
        "people",
        "author",
        "reviewed_by",
        "location",
        "participants",
        "featured",
        "draft",
    ):
        assert f"\n{key}:" in text
    assert run_cli(["check"], capsys)[0] == 0


def test_remaining_content_messages(make_project, capsys):
    make_project(
        {
            "news/2024-05-01-gbk.md": "---\ntitle: 甲\ndate: 2024-05-01\n---\n".encode("gbk"),
            "news/2024-05-02-list.md": "---\n- 甲\n- 乙\n---\n",
            "news/2024-05-03-x/index.md": article("丙", "2024-05-03"),
            "news/2024-05-03-x/2024-05-03-notes.md": "笔记",
            "news/2024-05-04-ext.md": article("丁", "2024-05-04") + "\n![外链](https://cdn.example.com/a.jpg)\n",
        }
    )
    code, output = run_cli(["check"], capsys)
    assert code == 1
    assert "content/news/2024-05-01-gbk.md: 错误: 文件不是 UTF-8 编码" in output
    assert "content/news/2024-05-02-list.md:2: 错误: front matter 应是“键: 值”的列表" in output
    assert "content/news/2024-05-03-x/2024-05-03-notes.md: 警告: 文章文件夹里只有 index.md 会被发布" in output
    assert (
        "content/news/2024-05-04-ext.md:8: 警告: 正文图片“https://cdn.example.com/a.jpg”是外部网址，不会显示" in output
    )


def test_check_and_build_name_every_withheld_article_with_its_reason(make_project, capsys):
    make_project(
        {
            "news/2024-05-01-草稿.md": article("草稿", draft="true", reviewed_by="周"),
            "news/2024-05-02-将来.md": article("将来", date="2030-06-01 09:30", reviewed_by="周"),
            "news/2024-05-03-待审.md": article("待审", date="2024-05-03"),
            "news/2024-05-04-已发.md": article("已发", date="2024-05-04", reviewed_by="周"),
        },
        require_review=True,
    )
    expected = [
        "content/news/2024-05-01-草稿.md: 未发布：草稿（draft: true）",
        "content/news/2024-05-02-将来.md: 未发布：定时发布于 2030-06-01 09:30",
        "content/news/2024-05-03-待审.md: 未发布：未审核（缺少 reviewed_by）",
    ]
    for command in (["check"], ["build"]):
        code, output = run_cli(command, capsys)
        assert code == 0, output
        for line in expected:
            assert line in output, (command, output)
        assert "已发" not in output.replace("已发布", "")


def test_an_unexpected_failure_is_one_chinese_line_and_a_saved_report(make_project, capsys, monkeypatch):
    import site_builder.cli as cli

    make_project({"news/2024-05-01-甲.md": article("甲")})

    def broken(args):
        raise ZeroDivisionError("simulated defect")

    monkeypatch.setattr(cli, "_check", broken)
    code, output = run_cli(["check"], capsys)
    assert code == 1 and "Traceback" not in output
    [line] = output.strip().splitlines()
    assert "内部出错（ZeroDivisionError）" in line
    report = line.split("请把文件 ", 1)[1].split(" ", 1)[0]
    with open(report, encoding="utf-8") as saved:
        assert "simulated defect" in saved.read()


def test_every_configuration_problem_is_listed_at_once_with_its_option(make_project, capsys):
    project = make_project({"news/2024-05-01-甲.md": article("甲")})
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "      pagination_per_page: 2\n",
            (
                "      pagination_per_page: ten\n      timezone: Asia/Shanghia\n      imagse_widths: [480]\n"
                "      images_webp_quality: 300\n      feeds_limit: 0\n"
                "      deploy:\n        production: {site_url: 'https://example.org/'}\n        qa: {url: /srv/qa, regoin: x}\n"
            ),
        ),
        encoding="utf-8",
    )
    code, output = run_cli(["build"], capsys)
    assert code == 2 and "Traceback" not in output
    for option, words in [
        ("pagination_per_page", "应是整数"),
        ("timezone", "Asia/Shanghia"),
        ("images_webp_quality", "1 到 100"),
        ("feeds_limit", "至少为 1"),
        ("deploy", "production.url：缺少这一项"),
    ]:
        assert any(f"option '{option}'" in line and words in line for line in output.splitlines()), (option, output)
    assert "您是否想写 images_widths" in output and "您是否想写 region" in output
    assert not (project / "site").exists()


def test_strict_build_fails_on_a_warning_of_ours_and_leaves_no_site(make_project, capsys):
    # Under ProperDocs the warnings of our `mkdocs.*` loggers must still reach its strict-mode count.
    project = make_project({"news/2024-05-01-甲.md": article("甲", titel="拼错的键")})
    code, output = run_cli(["build", "--strict"], capsys)
    assert code == 1 and "titel" in output, output
    assert not (project / "site").exists()
    code, output = run_cli(["build"], capsys)
    assert code == 0 and (project / "site" / "index.html").is_file(), output


def test_a_new_article_from_the_template_checks_without_errors(make_project, capsys):
    # The template's hint on inserting a photo is in a code span: text, not a missing photo.
    make_project({"news/2024-05-01-甲.md": article("甲")})
    code, output = run_cli(["new", "news", "新的一篇", "--date", "2024-06-01"], capsys)
    assert code == 0, output
    code, output = run_cli(["check"], capsys)
    assert code == 0 and "照片文件名" not in output, output


def test_photos_and_links_inside_code_and_comments_are_text(make_project, capsys):
    body = "\n写法：`![说明](无此图.jpg)`\n\n```\n[附件](无此件.pdf)\n```\n\n<!-- ![旧照片](旧图.jpg) -->\n"
    make_project({"news/2024-05-01-甲.md": article("甲") + body})
    code, output = run_cli(["check"], capsys)
    assert code == 0 and not any(name in output for name in ("无此图", "无此件", "旧图")), output
