"""Draws the theme's default share image (1200 × 630) and publisher logo (256 × 256), issue #13.

    python -m tools.share_images site_builder/mkdocs_plugin/templates/assets/site_builder/{share,logo}.png

A gold sun rising behind a sprout, on the red of government sites, with 关心下一代 in WenQuanYi
Micro Hei (Debian's fonts-wqy-microhei). Run again only to change the pictures.
"""

import math
import sys

from PIL import Image, ImageDraw, ImageFont

RED, DARK, GOLD, CREAM = (183, 28, 28), (142, 0, 0), (255, 204, 102), (255, 248, 235)
FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


def emblem(draw, cx, cy, r, s):
    # gold sun half-disc rising behind a white sprout: the next generation growing in care
    draw.pieslice([cx - r, cy - r, cx + r, cy + r], 180, 360, fill=GOLD)
    draw.rectangle([cx - r - 10 * s, cy, cx + r + 10 * s, cy + 6 * s], fill=CREAM)
    # stem
    draw.line([cx, cy, cx, cy - int(r * 0.95)], fill=CREAM, width=max(2, int(r * 0.09)))

    # leaves: a sine profile along the leaf's length, turned to each side
    def leaf(angle, length, width):
        pts = []
        base = (cx, cy - int(r * 0.55))
        for i in range(0, 61):
            t = i / 60
            # leaf outline: param along length, half-width sin profile
            x = t * length
            y = math.sin(math.pi * t) * width
            pts.append((x, y))
        pts += [(x, -y) for (x, y) in reversed(pts)]
        a = math.radians(angle)
        return [
            (base[0] + x * math.cos(a) - y * math.sin(a), base[1] + x * math.sin(a) + y * math.cos(a)) for x, y in pts
        ]

    draw.polygon(leaf(-35, r * 0.75, r * 0.2), fill=CREAM)
    draw.polygon(leaf(-145, r * 0.75, r * 0.2), fill=CREAM)


def share(path):
    s = 2
    W, H = 1200 * s, 630 * s
    im = Image.new("RGB", (W, H), RED)
    d = ImageDraw.Draw(im)
    d.ellipse([-W * 0.2, H * 0.78, W * 1.2, H * 1.9], fill=DARK)
    d.rectangle([0, 0, W, 14 * s], fill=GOLD)
    emblem(d, W // 2, int(H * 0.42), 150 * s, s)
    big = ImageFont.truetype(FONT, 92 * s)
    small = ImageFont.truetype(FONT, 34 * s)
    for text, font, y, fill in (
        ("关心下一代", big, 0.47, CREAM),
        ("五老风采 · 活动报道 · 工作动态", small, 0.72, GOLD),
    ):
        w = d.textlength(text, font=font)
        d.text(((W - w) / 2, H * y), text, font=font, fill=fill)
    im = im.resize((1200, 630), Image.LANCZOS).quantize(colors=48, method=Image.Quantize.MEDIANCUT)
    im.save(path, optimize=True)


def logo(path):
    s = 4
    W = 256 * s
    im = Image.new("RGBA", (W, W), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    d.ellipse([0, 0, W - 1, W - 1], fill=RED)
    emblem(d, W // 2, int(W * 0.66), int(W * 0.3), s)
    im = im.resize((256, 256), Image.LANCZOS)
    im.save(path, optimize=True)


if __name__ == "__main__":
    share(sys.argv[1])
    logo(sys.argv[2])
