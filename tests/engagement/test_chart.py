"""The results chart is a real PNG whose bars follow the votes."""

from __future__ import annotations

import io

from PIL import Image

from bot.engagement.chart import BAR_COLOUR, LABEL, MARGIN, ROW, results_chart
from bot.engagement.tally import OptionResult


def bar_length(image: Image.Image, row: int) -> int:
    y = MARGIN + 56 + row * ROW + ROW // 2
    xs = [x for x in range(image.width) if image.getpixel((x, y)) == BAR_COLOUR]
    return (max(xs) - min(xs) + 1) if xs else 0


def test_chart_is_a_png_with_bars_in_proportion_most_votes_first() -> None:
    results = [
        OptionResult("Amber", 10, 0.25),
        OptionResult("Rose", 30, 0.75),
        OptionResult("Fig", 0, 0.0),
    ]
    png = results_chart("Best scent?", results, 40)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.width == 720 and image.height == MARGIN * 2 + 56 + ROW * 3
    rose, amber, fig = (bar_length(image, i) for i in range(3))
    assert fig == 0 and amber > 0 and abs(rose - 3 * amber) <= 5
    assert (
        min(
            x
            for x in range(image.width)
            if image.getpixel((x, MARGIN + 56 + ROW // 2)) == BAR_COLOUR
        )
        == MARGIN + LABEL
    )
