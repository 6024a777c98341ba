"""Phone-like 12 MP test photos: textured like real scenes (smooth sky, detailed ground), EXIF with
GPS and an orientation tag, portrait ones stored sideways as phones do. Seeded: same bytes each run."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFilter

SIZE = (4032, 3024)


def _octave_noise(rng: random.Random, size: tuple[int, int], scale: int, strength: int) -> Image.Image:
    small = Image.effect_noise((max(1, size[0] // scale), max(1, size[1] // scale)), strength)
    return small.resize(size, Image.Resampling.BICUBIC)


def phone_photo(seed: int, portrait: bool) -> bytes:
    """One JPEG of about 2–4 MB: what a phone writes for a group photo outdoors or in a hall."""
    rng = random.Random(seed)
    width, height = SIZE
    base = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(base)
    horizon = int(height * rng.uniform(0.4, 0.6))
    sky_top = (rng.randint(90, 150), rng.randint(140, 190), 230)
    for y in range(horizon):
        t = y / horizon
        draw.line([(0, y), (width, y)], fill=tuple(int(a + (240 - a) * t) for a in sky_top))
    ground = (rng.randint(70, 140), rng.randint(110, 160), rng.randint(60, 100))
    draw.rectangle([0, horizon, width, height], fill=ground)
    for _ in range(rng.randint(8, 20)):
        x, h, feet = rng.randint(0, width), rng.randint(300, 1200), horizon + rng.randint(0, 600)
        colour = tuple(rng.randint(30, 230) for _ in range(3))
        draw.rounded_rectangle([x, feet - h, x + h // 3, feet], 40, fill=colour)
    texture = Image.merge(
        "RGB", [Image.blend(_octave_noise(rng, SIZE, 64, 60), _octave_noise(rng, SIZE, 4, 40), 0.5) for _ in range(3)]
    )
    detail = Image.effect_noise(SIZE, 24).convert("RGB")
    photo = Image.blend(Image.blend(base, texture, 0.22), detail, 0.08).filter(ImageFilter.SMOOTH)
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "DemoPhone", "DP-12 Pro"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (30.0, 15.0, 36.0), "E", (120.0, 9.0, 12.0)
    if portrait:
        exif[0x0112] = 6
        photo = photo.transpose(Image.Transpose.ROTATE_90).transpose(Image.Transpose.ROTATE_180)
    else:
        exif[0x0112] = 1
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=92, exif=exif.tobytes())
    return buffer.getvalue()
