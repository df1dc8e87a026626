"""A poll's results as a PNG bar chart (Pillow, its built-in font): sent with the results
message when a poll asks for it (``chart: true``)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

from bot.engagement.tally import OptionResult

WIDTH, ROW, MARGIN, LABEL = 720, 44, 24, 240
BAR_COLOUR, TEXT_COLOUR, TRACK_COLOUR = (52, 120, 198), (30, 30, 30), (232, 236, 242)


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType sizes: the bitmap font
        return ImageFont.load_default()


def _fit(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def results_chart(title: str, results: Sequence[OptionResult], voters: int) -> bytes:
    """PNG bytes: one bar per option, most votes first, with counts and shares."""
    rows = sorted(results, key=lambda r: -r.votes)
    height = MARGIN * 2 + 56 + ROW * len(rows)
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((MARGIN, MARGIN), _fit(title, 60), fill=TEXT_COLOUR, font=_font(22))
    draw.text((MARGIN, MARGIN + 28), f"{voters} voters", fill=(110, 110, 110), font=_font(15))
    top = MARGIN + 56
    span = WIDTH - MARGIN * 2 - LABEL - 90
    for index, row in enumerate(rows):
        y = top + index * ROW
        draw.text((MARGIN, y + 10), _fit(row.text), fill=TEXT_COLOUR, font=_font(16))
        x0 = MARGIN + LABEL
        draw.rectangle((x0, y + 8, x0 + span, y + ROW - 8), fill=TRACK_COLOUR)
        if row.votes:
            draw.rectangle(
                (x0, y + 8, x0 + max(2, round(span * row.share)), y + ROW - 8), fill=BAR_COLOUR
            )
        label = f"{row.votes} · {row.share:.0%}"
        draw.text((x0 + span + 10, y + 10), label, fill=TEXT_COLOUR, font=_font(15))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
