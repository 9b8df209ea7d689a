"""The initiators' dashboard chart: an inline SVG bar chart, readable without JS.

Python lays the chart out (the scale, the bars, the ticks and the day labels) as plain
data; the template initiators/_chart.svg.html writes the markup and escapes every text.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

CHART_WIDTH, CHART_HEIGHT = 360, 220
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 44, 10, 14, 40
FONT_SIZE = 15
TEMPLATE = "initiators/_chart.svg.html"

# The app's own template folder (create_app gives Flask "../templates").
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

# Not the app's environment: a chart depends on its figures alone, so pages and tests
# draw it without an app or a request. Autoescape is on whatever the template's name,
# and a misspelt name fails instead of drawing an empty attribute.
_ENVIRONMENT = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Tick:
    """A line across the plot at a value, the value written left of the axis."""

    y: float
    label_y: float
    label: str
    stroke_width: float


@dataclass(frozen=True)
class Bar:
    """One bar in viewBox units, with the day and the figure a pointer reveals."""

    x: float
    y: float
    width: float
    height: float
    label: str
    value: str


@dataclass(frozen=True)
class AxisLabel:
    """A day written under the plot (the first at the left, the last at the right)."""

    x: float
    y: float
    anchor: str
    text: str


@dataclass(frozen=True)
class ChartLayout:
    """Everything the template draws, in viewBox units and ready-made texts."""

    chart_id: str
    title: str
    description: str
    width: int
    height: int
    font_size: int
    plot_left: float
    plot_right: float
    tick_label_x: float
    ticks: list[Tick]
    bars: list[Bar]
    axis_labels: list[AxisLabel]


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


def chart_layout(
    series: list[tuple[str, int]],
    *,
    title: str,
    description: str,
    number: Callable[[int], str] = str,
    chart_id: str = "chart",
) -> ChartLayout:
    """Lay out a bar chart of ``series`` (label, value) in the chart's viewBox."""
    plot_width = CHART_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = CHART_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    top = nice_ceiling(max((v for _label, v in series), default=0))
    base_y = MARGIN_TOP + plot_height
    step = plot_width / max(len(series), 1)
    bar_width = max(step * 0.8, 0.5)
    # A middle tick at top / 2 would fall on 0.5 when the top is 1: no such count.
    tick_values = (0, top) if top == 1 else (0, top // 2, top)
    ticks = []
    for value in tick_values:
        y = base_y - plot_height * value / top
        ticks.append(
            Tick(
                y=y,
                # A third of the font size down puts the figure's middle on the line.
                label_y=y + FONT_SIZE / 3,
                label=number(value),
                # The axis itself is drawn a little heavier than the lines across.
                stroke_width=1 if value else 1.5,
            )
        )
    bars = []
    for index, (label, value) in enumerate(series):
        height = plot_height * value / top
        bars.append(
            Bar(
                x=MARGIN_LEFT + index * step + (step - bar_width) / 2,
                y=base_y - height,
                width=bar_width,
                height=height,
                label=label,
                value=number(value),
            )
        )
    # Only the first and the last day are written: every label would overlap on a
    # phone, and the table below the chart gives each day.
    label_y = base_y + FONT_SIZE + 8
    axis_labels = []
    if series:
        axis_labels.append(AxisLabel(MARGIN_LEFT, label_y, "start", series[0][0]))
    if len(series) > 1:
        axis_labels.append(
            AxisLabel(CHART_WIDTH - MARGIN_RIGHT, label_y, "end", series[-1][0])
        )
    return ChartLayout(
        chart_id=chart_id,
        title=title,
        description=description,
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        font_size=FONT_SIZE,
        plot_left=MARGIN_LEFT,
        plot_right=CHART_WIDTH - MARGIN_RIGHT,
        tick_label_x=MARGIN_LEFT - 6,
        ticks=ticks,
        bars=bars,
        axis_labels=axis_labels,
    )


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
    layout = chart_layout(
        series,
        title=title,
        description=description,
        number=number,
        chart_id=chart_id,
    )
    svg = _ENVIRONMENT.get_template(TEMPLATE).render(chart=layout)
    # The environment escaped every text and identifier as it rendered them.
    return Markup(svg)  # noqa: S704
