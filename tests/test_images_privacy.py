"""Issue #8, defect 5: no published image carries metadata, whatever its name or folder.

JPEG comments and ICC profiles survived into derived images, and a raster file whose extension
the pipeline did not know (`.jfif`, none, `.dat`, …) was copied byte for byte, GPS and all.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest
from PIL import Image, ImageCms, PngImagePlugin, TiffImagePlugin

from site_builder.images.process import output_path
from site_builder.images.sniff import raster_format
from site_builder.settings import ImageSettings
from tests.conftest import run_cli, write_tree
from tests.images_fixtures import make_card, phone_exif, phone_jpeg
from tests.test_images import publish

COMMENT = b"COM-MARKER-8f1c"
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description>XMP-MARKER-8f1c</rdf:Description></rdf:RDF></x:xmpmeta>'
PNG_TEXT = "PNG-TEXT-MARKER-8f1c"
TRAILER = b"TRAILING-MARKER-8f1c"
"""Bytes after the image data: decoders ignore them, a byte-for-byte copy publishes them."""
MARKERS = (b"DemoPhone", COMMENT, b"XMP-MARKER-8f1c", PNG_TEXT.encode(), TRAILER)


def _icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def tagged_jpeg(orientation: int = 1, icc: bool = False) -> bytes:
    """A phone JPEG with GPS EXIF, a COM comment, XMP (and an ICC profile), and bytes after its end."""
    extra = {"icc_profile": _icc()} if icc else {}
    with Image.open(io.BytesIO(phone_jpeg(orientation))) as image:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=90, exif=phone_exif(orientation), comment=COMMENT, xmp=XMP, **extra)
    return buffer.getvalue() + TRAILER


def tagged_png(size: tuple[int, int] = (600, 300)) -> bytes:
    """A transparent PNG with eXIf (GPS), tEXt, iTXt XMP and iCCP chunks, and bytes after IEND."""
    logo = Image.new("RGBA", size, (0, 0, 0, 0))
    logo.paste((200, 0, 0, 255), (0, 0, size[0] // 2, size[1]))
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", PNG_TEXT)
    text.add_itxt("XML:com.adobe.xmp", XMP.decode())
    buffer = io.BytesIO()
    logo.save(buffer, "PNG", exif=phone_exif(1), pnginfo=text, icc_profile=_icc())
    return buffer.getvalue() + TRAILER


def tagged_tiff() -> bytes:
    """A TIFF scan with a GPS IFD, the camera make and XMP."""
    tags = TiffImagePlugin.ImageFileDirectory_v2()
    tags[271], tags[700] = "DemoPhone", XMP
    tags[34853] = {1: "N", 2: (30.0, 15.0, 36.0), 3: "E", 4: (120.0, 9.0, 12.0)}
    buffer = io.BytesIO()
    make_card().save(buffer, "TIFF", tiffinfo=tags)
    return buffer.getvalue() + TRAILER


def encoded_with_trailer(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue() + TRAILER


def jpeg_segments(data: bytes) -> list[tuple[int, bytes]]:
    """(marker, payload) of each JPEG segment up to the start of scan."""
    segments, position = [], 2
    while position < len(data):
        marker = data[position + 1]
        if marker == 0xDA:
            break
        length = struct.unpack(">H", data[position + 2 : position + 4])[0]
        segments.append((marker, data[position + 4 : position + 2 + length]))
        position += 2 + length
    return segments


def png_chunks(data: bytes) -> list[bytes]:
    kinds, position = [], 8
    while position < len(data):
        length = struct.unpack(">I", data[position : position + 4])[0]
        kinds.append(data[position + 4 : position + 8])
        position += 12 + length
    return kinds


def assert_only_copyright(image: Image.Image) -> None:
    assert {"comment", "xmp", "icc_profile", "Comment", "XML:com.adobe.xmp"}.isdisjoint(image.info)
    assert list(image.getexif()) == [0x8298]


# --- defect 5: derived images ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name, data",
    [
        ("phone.jpg", tagged_jpeg(6)),
        ("upright.jpg", tagged_jpeg(1)),
        ("profiled.jpg", tagged_jpeg(1, icc=True)),
        ("logo.png", tagged_png()),
        ("scan.tif", tagged_tiff()),
    ],
)
def test_issue_8_outputs_keep_no_comment_xmp_icc_or_exif_but_the_copyright(tmp_path, name, data):
    settings = ImageSettings(widths=(240, 480), copyright="青溪区关工委")
    plan, out = publish(tmp_path, data, name, settings)
    for variant in plan.variants:
        written = output_path(out, variant).read_bytes()
        assert not [marker for marker in MARKERS if marker in written], variant.name
        with Image.open(io.BytesIO(written)) as image:
            assert_only_copyright(image)
        if variant.format == "jpeg":
            kinds = [marker for marker, _ in jpeg_segments(written)]
            assert 0xFE not in kinds and 0xE2 not in kinds, variant.name  # COM, ICC (APP2)
            assert [p[:4] for m, p in jpeg_segments(written) if m == 0xE1] == [b"Exif"]  # no XMP APP1
        elif variant.format == "png":
            assert {b"iCCP", b"tEXt", b"iTXt", b"zTXt"}.isdisjoint(png_chunks(written))
        else:
            assert b"ICCP" not in written and b"XMP " not in written


# --- defect 5: every raster file under content/, whatever its name ---------------------------


@pytest.mark.parametrize(
    "data, expected",
    [
        (phone_jpeg(1), "JPEG"),
        (tagged_png(), "PNG"),
        (tagged_tiff(), "TIFF"),
        (encoded_with_trailer(make_card(), "BMP"), "BMP"),
        (encoded_with_trailer(make_card(64, 64), "ICO"), "ICO"),
        (encoded_with_trailer(make_card(), "GIF"), "GIF"),
        (encoded_with_trailer(make_card(), "WEBP"), "WEBP"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "HEIF"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1", "HEIF"),
        (b"\xff\x0a\xfa\x7f", "JXL"),
        (b"8BPS\x00\x01", "PSD"),
        (b"BMW \xe5\xae\x9d\xe9\xa9\xac\xe8\xbd\xa6\xe8\xbf\x98\xe6\x98\xaf\xe5\xa5\x94\xe9\xa9\xb0", None),
        (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom", None),
        ("# 标题\n".encode(), None),
        (b"%PDF-1.7\n", None),
        (b"", None),
    ],
)
def test_issue_8_raster_files_are_recognised_by_their_first_bytes(data, expected):
    assert raster_format(data[:64]) == expected


THEMED_CONFIG_LINES = {
    "  font: false\n": "  font: false\n  custom_dir: themes\n  logo: assets/logo.png\n  favicon: assets/favicon.ico\n",
    "plugins:\n": "extra_css:\n  - stylesheets/extra.css\n\nplugins:\n",
}


def themed_project(make_project, files: dict) -> Path:
    project = make_project(files)
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    for old, new in THEMED_CONFIG_LINES.items():
        config = config.replace(old, new, 1)
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    return project


def published_leaks(site: Path) -> list[str]:
    """Every published file that carries a marker, and every image with EXIF or GPS in it."""
    found = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        data = path.read_bytes()
        found += [f"{path.relative_to(site)}: {m.decode()}" for m in MARKERS if m in data]
        try:
            with Image.open(io.BytesIO(data)) as image:
                if image.getexif() or {"comment", "xmp", "icc_profile"} & set(image.info):
                    found.append(f"{path.relative_to(site)}: metadata {sorted(image.info)}")
        except (OSError, ValueError, SyntaxError):  # not an image: only the markers apply
            continue
    return found


def test_issue_8_no_raster_file_is_copied_as_it_is_whatever_its_name_or_folder(make_project, capsys):
    jpeg = tagged_jpeg(6)
    project = themed_project(
        make_project,
        {
            "about.md": "# 关于我们\n\n![现场](assets/现场.jfif)\n\n![合影](assets/合影.JPEG)\n\n![扫描件](assets/扫描.tif)\n\n"
            "![旧照片](assets/旧照片.bmp)\n\n![无扩展名](assets/photo)\n",
            "assets/现场.jfif": jpeg,
            "assets/合影.JPEG": jpeg,
            "assets/扫描.tif": tagged_tiff(),
            "assets/旧照片.bmp": encoded_with_trailer(make_card(), "BMP"),
            "assets/photo": jpeg,
            "assets/unused.jfif": jpeg,
            "assets/renamed.png": jpeg,
            "assets/blob.dat": jpeg,
            "assets/old.pjpeg": jpeg,
            "misc/deep/folder/IMG_0001": jpeg,
            "assets/logo.png": tagged_png(),
            "assets/favicon.ico": encoded_with_trailer(make_card(64, 64), "ICO"),
            "assets/header.jfif": jpeg,
            "stylesheets/extra.css": '.md-header { background-image: url("../assets/header.jfif?v=1"); }\n',
        },
    )
    write_tree(project / "themes", {"assets/banner.jpg": jpeg})
    code, output = run_cli(["build", "-d", "site"], capsys)
    assert code == 0, output
    site = project / "site"
    assert published_leaks(site) == []
    about = (site / "about/index.html").read_text(encoding="utf-8")
    assert about.count("<picture>") == 5
    for unused in (
        "assets/unused.jfif",
        "assets/renamed.png",
        "assets/blob.dat",
        "assets/old.pjpeg",
        "misc/deep/folder/IMG_0001",
        "assets/现场.jfif",
        "assets/photo",
    ):
        assert not (site / unused).exists(), unused
    # Files the theme refers to keep their path and format, without their metadata.
    for path, fmt, size in (
        ("assets/logo.png", "PNG", (600, 300)),
        ("assets/favicon.ico", "ICO", (64, 64)),
        ("assets/header.jfif", "JPEG", (1200, 800)),
        ("assets/banner.jpg", "JPEG", (1200, 800)),
    ):
        with Image.open(site / path) as image:
            assert (image.format, image.size) == (fmt, size), path
    with Image.open(site / "assets/logo.png") as logo:
        assert logo.mode == "RGBA" and logo.getpixel((599, 0))[3] == 0
    assert 'src="../assets/logo.png"' in about or 'src="/assets/logo.png"' in about


def test_issue_8_a_photo_saved_as_an_attachment_is_not_published_as_it_is(make_project, capsys):
    project = make_project(
        {
            "notices/2026-05-01-通知/index.md": "---\ntitle: 通知\ndate: 2026-05-01\n---\n\n[附件：报名表](报名表.pdf)\n",
            "notices/2026-05-01-通知/报名表.pdf": tagged_jpeg(1),
        }
    )
    code, output = run_cli(["build", "-d", "site"], capsys)
    assert code == 0, output
    assert "content/notices/2026-05-01-通知/报名表.pdf: 这个附件其实是一张图片，原图不会发布" in output
    assert published_leaks(project / "site") == []


def test_issue_8_a_theme_image_that_cannot_be_processed_stops_the_build(make_project, capsys):
    project = themed_project(make_project, {"about.md": "# 关于我们\n"})
    write_tree(project / "themes", {"assets/hero.jxl": b"\xff\x0a\xfa\x7f" + TRAILER})
    code, output = run_cli(["build", "-d", "site"], capsys)
    assert code == 1 and "Traceback" not in output
    assert "themes/assets/hero.jxl: 错误: 主题用到的这张图片无法处理" in output
    assert not (project / "site").exists()
