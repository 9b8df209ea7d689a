"""TODO module docstring."""

from collections.abc import Callable

from markupsafe import Markup, escape

CHART_WIDTH, CHART_HEIGHT = 360, 220
CHART_MAX_WIDTH = "32rem"
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 44, 10, 14, 40


FONT_SIZE = 15


def nice_ceiling(value: int) -> int:
    """Return the smallest of 1, 2, 4, 6, 8, 10, 20, 40 ... at least ``value``."""
    if value <= 1:
        return 1
    step = 1
    while True:
        for factor in (2, 4, 6, 8, 10):
            if step * factor >= value:
                return step * factor
        step *= 10


def bar_chart(
    series: list[tuple[str, int]],
    *,
    title: str,
    description: str,
    number: Callable[[int], str] = str,
    chart_id: str = "chart",
) -> Markup:
    """Return an inline SVG bar chart of ``series`` (label, value), readable without JS.

    The chart is an image with a title and a description for screen readers; its
    axis labels are text, so they scale and stay sharp. Pages give the figures in a
    table beside it.
    """
    plot_width = CHART_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = CHART_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    top = nice_ceiling(max((v for _label, v in series), default=0))
    base_y = MARGIN_TOP + plot_height
    step = plot_width / max(len(series), 1)
    bar_width = max(step * 0.8, 0.5)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" width="100%" '
        f'style="max-width: {CHART_MAX_WIDTH}; height: auto" '
        f'preserveAspectRatio="xMidYMid meet" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-size="{FONT_SIZE}" font-family="system-ui, sans-serif">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for value in (0, top) if top == 1 else (0, top // 2, top):
        y = base_y - plot_height * value / top
        parts.append(
            f'<line x1="{MARGIN_LEFT}" y1="{y:.1f}" x2="{CHART_WIDTH - MARGIN_RIGHT}" '
            f'y2="{y:.1f}" stroke="#767676" stroke-width="{1 if value else 1.5}"/>'
            f'<text x="{MARGIN_LEFT - 6}" y="{y + FONT_SIZE / 3:.1f}" '
            f'text-anchor="end" fill="#1a1a1a">{escape(number(value))}</text>'
        )
    for index, (label, value) in enumerate(series):
        height = plot_height * value / top
        x = MARGIN_LEFT + index * step + (step - bar_width) / 2
        parts.append(
            f'<rect x="{x:.2f}" y="{base_y - height:.2f}" width="{bar_width:.2f}" '
            f'height="{height:.2f}" fill="#0b4f8a"><title>{escape(label)}: '
            f"{escape(number(value))}</title></rect>"
        )
    if series:
        label_y = base_y + FONT_SIZE + 8
        parts.append(
            f'<text x="{MARGIN_LEFT}" y="{label_y}" fill="#1a1a1a">'
            f"{escape(series[0][0])}</text>"
        )
        if len(series) > 1:
            parts.append(
                f'<text x="{CHART_WIDTH - MARGIN_RIGHT}" y="{label_y}" '
                f'text-anchor="end" fill="#1a1a1a">{escape(series[-1][0])}</text>'
            )
    parts.append("</svg>")
    # Every text and label above went through escape(); the rest is numbers.
    return Markup("".join(parts))  # noqa: S704
