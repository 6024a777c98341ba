"""The photo pipeline: upright, private, every input phones produce, bad inputs, the cache."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

import site_builder.images.process as process
from site_builder.images.formats import register_heif
from site_builder.images.plan import plan_image, valid_widths
from site_builder.images.probe import ProbeError, check_pixels, probe_image
from site_builder.images.process import decode, output_path, write_variants
from site_builder.settings import ImageSettings
from tests.conftest import article, run_cli, write_tree
from tests.images_fixtures import BLUE, RED, encoded, make_card, phone_jpeg, png_header_only

SETTINGS = ImageSettings(widths=(240, 480, 960))


def publish(tmp_path: Path, data: bytes, name: str = "photo.jpg", settings: ImageSettings = SETTINGS):
    """Run probe → plan → decode → write on one file; returns the plan and the cache folder."""
    source = tmp_path / name
    source.write_bytes(data)
    plan = plan_image(probe_image(source), settings)
    out = tmp_path / "cache"
    write_variants(decode(source, plan, settings.max_pixels), plan, out, settings)
    return plan, out


def near(pixel, colour, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=False))


@pytest.mark.parametrize("orientation", range(1, 9))
def test_each_exif_orientation_comes_out_upright(tmp_path, orientation):
    plan, out = publish(tmp_path, phone_jpeg(orientation))
    assert (plan.width, plan.height) == (1200, 800)
    for variant in plan.variants:
        with Image.open(output_path(out, variant)) as image:
            image = image.convert("RGB")
            assert image.size == (variant.width, variant.height)
            w, h = image.size
            assert near(image.getpixel((w // 10, h // 10)), RED), (orientation, variant.name)
            assert near(image.getpixel((w - w // 10, h - h // 10)), BLUE), (orientation, variant.name)


def test_no_output_keeps_any_exif(tmp_path):
    plan, out = publish(tmp_path, phone_jpeg(6))
    for variant in plan.variants:
        data = output_path(out, variant).read_bytes()
        with Image.open(io.BytesIO(data)) as image:
            assert not image.getexif() and "exif" not in image.info
        assert b"DemoPhone" not in data and b"GPS" not in data


def test_only_the_configured_copyright_is_written(tmp_path):
    plan, out = publish(tmp_path, phone_jpeg(1), settings=ImageSettings(widths=(480,), copyright="青溪区关工委"))
    for variant in plan.variants:
        with Image.open(output_path(out, variant)) as image:
            exif = image.getexif()
            assert list(exif) == [0x8298]
            assert exif[0x8298].encode("latin-1").decode("utf-8") == "青溪区关工委"


def test_png_with_alpha_keeps_transparency_and_falls_back_to_png(tmp_path):
    logo = Image.new("RGBA", (600, 300), (0, 0, 0, 0))
    logo.paste((200, 0, 0, 255), (0, 0, 300, 300))
    plan, out = publish(tmp_path, encoded(logo, "PNG"), "logo.png")
    assert {v.format for v in plan.fallback} == {"png"} and {v.format for v in plan.modern} == {"webp"}
    for variant in plan.variants:
        with Image.open(output_path(out, variant)) as image:
            assert image.mode == "RGBA"
            assert image.getpixel((image.width - 2, 2))[3] == 0 and image.getpixel((2, 2))[3] == 255


def test_cmyk_and_grayscale_jpegs_become_rgb(tmp_path):
    for name, image in (("cmyk.jpg", make_card().convert("CMYK")), ("grey.jpg", make_card().convert("L"))):
        plan, out = publish(tmp_path, encoded(image, "JPEG", quality=90), name)
        with Image.open(output_path(out, plan.largest_fallback)) as result:
            assert result.mode == "RGB"
            if name == "cmyk.jpg":
                assert near(result.getpixel((20, 20)), RED, 60)


def test_heic_from_iphones_is_read(tmp_path):
    assert register_heif()
    plan, out = publish(tmp_path, encoded(make_card(), "HEIF", quality=90), "IMG_0001.HEIC")
    assert plan.probe.format == "HEIF"
    with Image.open(output_path(out, plan.largest_fallback)) as result:
        assert result.format == "JPEG" and near(result.getpixel((20, 20)), RED)


def test_16_bit_png_is_scaled_not_clipped(tmp_path):
    grey = Image.new("I;16", (300, 200), 32768)  # mid grey in 16 bits
    plan, out = publish(tmp_path, encoded(grey, "PNG"), "scan.png")
    with Image.open(output_path(out, plan.largest_fallback)) as result:
        assert 120 <= result.convert("L").getpixel((10, 10)) <= 136


def test_animated_gif_publishes_its_first_frame(tmp_path):
    frames = [Image.new("RGB", (320, 240), colour) for colour in (RED, BLUE)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    plan, out = publish(tmp_path, buffer.getvalue(), "anim.gif")
    assert plan.probe.is_animated
    with Image.open(output_path(out, plan.largest_fallback)) as result:
        assert not getattr(result, "is_animated", False) and near(result.getpixel((5, 5)), RED)


def test_tiny_images_are_never_upscaled(tmp_path):
    plan, _ = publish(tmp_path, encoded(make_card(40, 30), "PNG"), "tiny.png")
    assert [v.width for v in plan.variants] == [40, 40]
    assert valid_widths((480, 960, 1440), 1000) == (480, 960, 1000)
    assert valid_widths((480, 960), 4032) == (480, 960)


def test_a_decompression_bomb_is_refused_from_its_header(tmp_path):
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_header_only(30000, 30000))
    probe = probe_image(bomb)
    with pytest.raises(ProbeError, match="像素"):
        check_pixels(probe, ImageSettings().max_pixels)


def test_reduced_scale_decoding_is_used_for_large_jpegs(tmp_path):
    source = tmp_path / "big.jpg"
    source.write_bytes(phone_jpeg(6, size=(4000, 3000)))
    plan = plan_image(probe_image(source), ImageSettings(widths=(480, 960)))
    image = decode(source, plan, 200_000_000)
    # Stored 3000×4000 (sideways), shown 4000×3000: the 960 output needs 960×720, so ¼ scale
    # (750×1000 stored) is enough and the full 12 MP are never decoded.
    assert image.size == (1000, 750)


# --- through the build ---------------------------------------------------------------------


def photo_site(make_project, photos: dict[str, bytes], front: str, body: str = "") -> Path:
    files = {f"reports/2024-05-01-活动/{name}": data for name, data in photos.items()}
    files["reports/2024-05-01-活动/index.md"] = f"---\ntitle: 活动\ndate: 2024-05-01\n{front}---\n\n正文。\n{body}"
    return make_project(files)


def test_bad_photos_are_each_reported_with_path_and_line(make_project, capsys, tmp_path):
    outside = tmp_path / "outside-secret.jpg"
    outside.write_bytes(phone_jpeg(1))
    project = photo_site(
        make_project,
        {
            "truncated.jpg": phone_jpeg(1)[:3000],
            "not-a-photo.jpg": b"%PDF-1.4 this is a document",
            "bomb.png": png_header_only(30000, 30000),
        },
        "cover: truncated.jpg\nphotos:\n  - not-a-photo.jpg\n  - bomb.png\n  - missing.jpg\n"
        f"  - ../../../outside-secret.jpg\n  - {outside}\n",
    )
    code, output = run_cli(["build", "-d", "site"], capsys)
    assert code == 1 and "Traceback" not in output
    path = "content/reports/2024-05-01-活动/index.md"
    assert f"{path}:6: 错误: 图集照片“not-a-photo.jpg”无法使用：这不是一张可以识别的图片" in output
    assert f"{path}:7: 错误: 图集照片“bomb.png”无法使用：图片有 900 百万像素，超过上限" in output
    assert f"{path}:8: 错误: 图集照片“missing.jpg”无法使用：找不到这个文件" in output
    assert f"{path}:9: 错误: 图集照片“../../../outside-secret.jpg”无法使用：路径指向文章文件夹以外" in output
    assert f"{path}:10: 错误: 图集照片“{outside}”无法使用：请写相对于文章的路径" in output
    assert not (project / "site").exists()
    assert not [p for p in project.rglob(".tmp-*")]


def test_a_truncated_photo_fails_the_build_with_its_line(make_project, capsys):
    project = photo_site(make_project, {"truncated.jpg": phone_jpeg(1)[:3000]}, "cover: truncated.jpg\n")
    code, output = run_cli(["build", "-d", "site"], capsys)
    assert code == 1 and "Traceback" not in output
    assert "content/reports/2024-05-01-活动/index.md:4: 错误: 照片“truncated.jpg”无法处理：图片已损坏或不完整" in output
    assert not (project / "site").exists()
    assert not [p for p in (project / ".cache").rglob("*") if p.is_file() and p.suffix in (".jpg", ".webp")]


def test_files_outside_content_never_reach_the_output(make_project, capsys, tmp_path):
    marker = b"OUTSIDE-CONTENT-MARKER-7f3a"
    secret = tmp_path / "secret.txt"
    secret.write_bytes(marker)
    project = photo_site(make_project, {"photo.jpg": phone_jpeg(1)}, "cover: photo.jpg\n")
    (project / "content/leak.txt").symlink_to(secret)
    (project / "content/reports/2024-05-01-活动/leak.jpg").symlink_to(secret)
    code, output = run_cli(["build", "-d", "site"], capsys)
    assert code == 0, output
    leaked = [p for p in (project / "site").rglob("*") if p.is_file() and marker in p.read_bytes()]
    assert leaked == []


def test_symlinked_folders_pointing_outside_content_publish_nothing(make_project, tmp_path, capsys):
    # A bundle and a plain folder that are symlinks to folders outside content/: neither the
    # article nor its photo nor any other file of theirs reaches the site.
    marker = b"OUTSIDE-FOLDER-SECRET"
    outside = tmp_path / "outside"
    bundle = outside / "2024-05-02-外部"
    write_tree(bundle, {"index.md": article("外部文章", date="2024-05-02"), "p.jpg": phone_jpeg(2)})
    (bundle / "notes.txt").write_bytes(marker)
    project = photo_site(make_project, {"photo.jpg": phone_jpeg(1)}, "cover: photo.jpg\n")
    (project / "content/news").mkdir(exist_ok=True)
    (project / "content/news/2024-05-02-外部").symlink_to(bundle)
    (project / "content/files").symlink_to(outside)
    code, output = run_cli(["build", "-d", "site"], capsys)
    assert code == 0, output
    published = [p for p in (project / "site").rglob("*") if p.is_file()]
    assert not [p for p in published if marker in p.read_bytes()]
    assert not [p for p in published if p.suffix == ".html" and "外部文章" in p.read_text(encoding="utf-8")]
    assert "指向 content 文件夹以外的链接不会发布" in output


def test_a_section_folder_that_is_a_symlink_out_of_content_is_refused(make_project, tmp_path, capsys):
    outside = write_tree(tmp_path / "outside", {"2024-05-02-外部.md": article("外部文章", date="2024-05-02")})
    project = photo_site(make_project, {"photo.jpg": phone_jpeg(1)}, "cover: photo.jpg\n")
    (project / "content/stories").symlink_to(outside)
    code, output = run_cli(["build", "-d", "site"], capsys)
    assert code == 1 and "content/stories/2024-05-02-外部.md" in output and "symlink" in output


def test_inline_images_become_pictures_and_originals_stay_out(make_project, capsys):
    original = phone_jpeg(6)
    project = photo_site(make_project, {"现场 照片.jpg": original}, "", body="\n![五老与孩子们](<现场 照片.jpg>)\n")
    code, output = run_cli(["build", "-d", "site"], capsys)
    assert code == 0, output
    page = (project / "site/reports/2024/0501-huo-dong/index.html").read_text(encoding="utf-8")
    assert "<picture><source " in page and 'type="image/webp"' in page and 'alt="五老与孩子们"' in page
    assert 'class="glightbox"' in page
    published = [p for p in (project / "site").rglob("*") if p.suffix in (".jpg", ".webp")]
    assert published and all(p.read_bytes() != original for p in published)
    assert not list((project / "site").rglob("现场*"))


def test_a_rebuild_decodes_nothing_and_a_changed_photo_is_processed_alone(make_project, capsys, monkeypatch):
    monkeypatch.setenv("SITE_BUILDER_WORKERS", "1")  # decode in this process, where it is counted
    decoded: list[str] = []
    real_decode = process.decode
    monkeypatch.setattr(process, "decode", lambda path, *args: decoded.append(path.name) or real_decode(path, *args))
    project = photo_site(
        make_project,
        {"a.jpg": phone_jpeg(1), "b.jpg": phone_jpeg(6), "c.jpg": phone_jpeg(3)},
        "photos: [a.jpg, b.jpg, c.jpg]\n",
    )
    assert run_cli(["build", "-d", "site"], capsys)[0] == 0
    assert sorted(decoded) == ["a.jpg", "b.jpg", "c.jpg"]
    decoded.clear()
    assert run_cli(["build", "-d", "site"], capsys)[0] == 0
    assert decoded == []
    (project / "content/reports/2024-05-01-活动/b.jpg").write_bytes(phone_jpeg(8))
    code, output = run_cli(["build", "-d", "site"], capsys)
    assert code == 0 and decoded == ["b.jpg"]
    assert "处理 1 张，沿用缓存 2 张" in output
