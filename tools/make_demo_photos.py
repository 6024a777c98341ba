"""Draw the demo site's photos (invented scenes, no real people) with phone-like EXIF.

Each photo carries GPS, camera make/model and, for some, an EXIF orientation with the pixels
stored sideways, as phones do; the site must publish none of that. Deterministic: run it again
and the same bytes come out. Licence: CC0 (made for this project).

    python tools/make_demo_photos.py
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

CONTENT = Path(__file__).resolve().parent.parent / "content"

# (path under content/, seed, scene, EXIF orientation)
PHOTOS = [
    ("news/2025/2025-09-05-秋季学期五老进校园启动/开学第一课.jpg", 11, "classroom", 1),
    ("news/2026/2026-01-15-区关工委召开2025年度总结表彰会/表彰会.jpg", 12, "hall", 1),
    ("news/2026/2026-01-15-区关工委召开2025年度总结表彰会/合影.jpg", 13, "group", 6),
    ("news/2026/2026-06-20-青溪区举办家风家教主题宣讲/宣讲现场.jpg", 14, "hall", 1),
    ("stories/2025-05-20-王秀兰三十年守护留守儿童/IMG_20250512_093015.jpg", 21, "outdoor", 6),
    ("stories/2025-11-02-退休教师李建国的周末课堂/周末课堂.jpg", 22, "classroom", 1),
    ("reports/2025/2025-07-15-暑期公益课堂开课/IMG_20250715_090212.jpg", 31, "classroom", 1),
    ("reports/2025/2025-07-15-暑期公益课堂开课/IMG_20250715_101533.jpg", 32, "group", 8),
    ("reports/2025/2025-07-15-暑期公益课堂开课/书法课.jpg", 33, "classroom", 3),
    ("reports/2026/2026-03-05-学雷锋志愿服务日/志愿服务.jpg", 34, "outdoor", 1),
    ("reports/2026/2026-05-31-六一关爱留守儿童活动/IMG_20260531_150201.jpg", 35, "group", 6),
    ("reports/2026/2026-05-31-六一关爱留守儿童活动/赠送书包.jpg", 36, "outdoor", 1),
    ("reports/2026/2026-11-01-秋季研学实践活动/研学.jpg", 37, "outdoor", 1),
    ("reports/2026/2026-11-15-冬令营筹备草稿/内部照片.jpg", 99, "group", 1),
]

SIZE = (1600, 1200)
TRANSPOSE_FOR_STORAGE = {  # how a phone stores an upright picture for each orientation
    3: Image.Transpose.ROTATE_180,
    6: Image.Transpose.ROTATE_90,
    8: Image.Transpose.ROTATE_270,
}


def draw_scene(seed: int, scene: str) -> Image.Image:
    rng = random.Random(seed)
    width, height = SIZE
    image = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(image)
    indoor = scene in ("classroom", "hall")
    top = (235, 225, 205) if indoor else (120 + rng.randint(0, 40), 170, 230)
    bottom = (200, 180, 150) if indoor else (235, 240, 250)
    horizon = int(height * (0.55 if indoor else 0.6))
    for y in range(horizon):
        t = y / horizon
        draw.line([(0, y), (width, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=False)))
    floor = (150, 110, 80) if indoor else (90 + rng.randint(0, 30), 150, 80)
    draw.rectangle([0, horizon, width, height], fill=floor)
    if indoor:
        draw.rectangle([200, 120, 1400, 360], fill=(180, 30, 30))  # the red banner of every event
        draw.rectangle([240, 160, 1360, 320], outline=(250, 220, 120), width=6)
    else:
        draw.ellipse([1250, 80, 1400, 230], fill=(255, 230, 140))
        for x in range(0, width, 260):
            h = rng.randint(200, 380)
            draw.rectangle([x + 20, horizon - h, x + 220, horizon], fill=(200 - rng.randint(0, 40), 190, 180))
    people = rng.randint(6, 14) if scene == "group" else rng.randint(3, 8)
    for i in range(people):
        x = int((i + 0.5) * width / people) + rng.randint(-30, 30)
        adult = rng.random() < 0.35
        scale = 1.0 if adult else 0.7
        y = horizon + rng.randint(40, 160)
        shirt = (rng.randint(30, 220), rng.randint(30, 220), rng.randint(30, 220))
        draw.rounded_rectangle([x - 45 * scale, y - 260 * scale, x + 45 * scale, y], radius=25, fill=shirt)
        draw.ellipse([x - 32 * scale, y - 330 * scale, x + 32 * scale, y - 266 * scale], fill=(240, 200, 170))
        draw.pieslice(
            [x - 34 * scale, y - 336 * scale, x + 34 * scale, y - 280 * scale],
            180,
            360,
            fill=(40, 30, 30) if not adult else (200, 200, 200),
        )
        if not adult:
            draw.polygon(
                [(x - 20, y - 250 * scale), (x + 20, y - 250 * scale), (x, y - 215 * scale)], fill=(220, 20, 30)
            )
    noise = Image.effect_noise(SIZE, 18).convert("RGB")
    return Image.blend(image.filter(ImageFilter.GaussianBlur(1.2)), noise, 0.06)


def phone_exif(seed: int, orientation: int) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "DemoPhone"  # Make
    exif[0x0110] = "DP-12 Pro"  # Model
    exif[0x0132] = "2026:05:31 15:02:01"  # DateTime
    exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (30.0, 15.0, 36.0 + seed % 10)
    gps[3], gps[4] = "E", (120.0, 9.0, 12.0 + seed % 7)
    return exif


def main() -> None:
    for rel, seed, scene, orientation in PHOTOS:
        picture = draw_scene(seed, scene)
        stored = (
            picture.transpose(TRANSPOSE_FOR_STORAGE[orientation]) if orientation in TRANSPOSE_FOR_STORAGE else picture
        )
        target = CONTENT / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        stored.save(target, "JPEG", quality=80, exif=phone_exif(seed, orientation).tobytes())
        print(f"{target.relative_to(CONTENT.parent)}  {target.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
