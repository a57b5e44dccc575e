"""Bar charts as inline SVG, drawn on the server: no JavaScript, nothing fetched from elsewhere.

`bar_chart` is a pure function from data to an SVG string. Text is drawn in `currentColor`, so a
chart follows the admin's light or dark theme; every piece of text is escaped.
"""

import math
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import slugify

# Okabe-Ito: distinguishable with the common colour-vision deficiencies, light or dark background.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999", "#F0E442"]

WIDTH = 560
MARGIN_LEFT, MARGIN_RIGHT = 72, 16
TITLE_HEIGHT, LEGEND_ROW_HEIGHT = 30, 20
PLOT_HEIGHT, PANEL_HEIGHT, PANEL_GAP = 190, 110, 34
AXIS_LABELS_HEIGHT, CAPTION_LINE_HEIGHT = 44, 16
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"

STACKED, GROUPED, PANELS = "stacked", "grouped", "panels"


def compact_number(value):
    """3000000000 -> "3 bn", 1200000000 -> "1.2 bn", 464000000 -> "464 m", 12 -> "12"."""
    value = Decimal(value)
    for factor, suffix in ((10**12, " tn"), (10**9, " bn"), (10**6, " m"), (10**3, " k")):
        if abs(value) >= factor:
            scaled = value / factor
            digits = 0 if scaled >= 100 else 1 if scaled >= 10 else 2
            return _trim(f"{scaled:.{digits}f}") + suffix
    return _trim(f"{value:.2f}")


def _trim(number):
    """ "1.20" -> "1.2", "3.00" -> "3", "500" -> "500"."""
    return number.rstrip("0").rstrip(".") if "." in number else number


def nice_ticks(maximum, *, integer=False, count=4):
    """Round axis ticks from 0 to at least `maximum`: 0, 1, 2, 3 or 0, 1 bn, 2 bn, 3 bn."""
    maximum = float(maximum)
    if maximum <= 0:
        return [0, 1]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    steps = (1, 2, 5, 10) if integer else (1, 2, 2.5, 5, 10)
    step = next(s * magnitude for s in steps if raw <= s * magnitude)
    if integer:
        step = max(1, round(step))
    top = math.ceil(maximum / step - 1e-9) * step
    return [i * step for i in range(round(top / step) + 1)]


def bar_chart(
    categories,
    series,
    *,
    title,
    x_label,
    y_label,
    caption="",
    layout=GROUPED,
    value_format=compact_number,
    unit="",
    chart_id=None,
):
    """An SVG bar chart of `series` ([(name, [value per category]), ...]) over `categories`.

    layout: "stacked" (one bar per category, series stacked, totals on top), "grouped" (a bar per
    series side by side) or "panels" (one panel per series, each with its own scale: for
    quantities that cannot be compared or added, such as amounts in different currencies).
    Every bar carries its value as a label and as a tooltip; a legend names the series.
    `unit` follows values in tooltips ("3 events").
    """
    categories = [str(c) for c in categories]
    series = [(str(name), [v or 0 for v in values]) for name, values in series]
    chart_id = chart_id or "chart-" + (slugify(title) or "untitled")
    legend_rows = _legend_rows(series)
    panels = [[index] for index in range(len(series))] if layout == PANELS and series else [list(range(len(series)))]
    plot_height = PANEL_HEIGHT if layout == PANELS else PLOT_HEIGHT
    caption_lines = _wrap(caption, 80) if caption else []
    top = TITLE_HEIGHT + len(legend_rows) * LEGEND_ROW_HEIGHT + 14
    height = (
        top
        + len(panels) * plot_height
        + (len(panels) - 1) * PANEL_GAP
        + AXIS_LABELS_HEIGHT
        + len(caption_lines) * CAPTION_LINE_HEIGHT
        + 8
    )

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'font-family="{escape(FONT)}" font-size="13" fill="currentColor">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(caption or title)}</desc>',
        f'<text class="chart-title" x="{WIDTH / 2:g}" y="20" text-anchor="middle" font-size="16" '
        f'font-weight="bold">{escape(title)}</text>',
    ]
    out += _legend(legend_rows, series)

    plot_left, plot_right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT
    panel_top = top
    for panel in panels:
        out += _panel(
            categories,
            [(index, *series[index]) for index in panel],
            layout=layout,
            left=plot_left,
            right=plot_right,
            top=panel_top,
            height=plot_height,
            y_label=f"{y_label} ({series[panel[0]][0]})" if layout == PANELS and panel else y_label,
            value_format=value_format,
            unit=unit,
        )
        panel_top += plot_height + PANEL_GAP
    axis_bottom = panel_top - PANEL_GAP
    out.append(
        f'<text class="axis-label" x="{(plot_left + plot_right) / 2:g}" y="{axis_bottom + 38}" '
        f'text-anchor="middle" font-weight="bold">{escape(x_label)}</text>'
    )
    for number, line in enumerate(caption_lines):
        out.append(
            f'<text class="chart-caption" x="{WIDTH / 2:g}" y="{axis_bottom + 58 + number * CAPTION_LINE_HEIGHT}" '
            f'text-anchor="middle" font-size="12" opacity="0.85">{escape(line)}</text>'
        )
    out.append("</svg>")
    return mark_safe("".join(out))  # every piece of text above is escaped


def _panel(categories, series, *, layout, left, right, top, height, y_label, value_format, unit):
    """One plot area: y axis with ticks, bars, value labels and category labels."""
    bottom = top + height
    if layout == STACKED:
        maximum = max((sum(values[i] for _, _, values in series) for i in range(len(categories))), default=0)
    else:
        maximum = max((v for _, _, values in series for v in values), default=0)
    integer = all(float(v).is_integer() for _, _, values in series for v in values)
    ticks = nice_ticks(maximum, integer=integer)
    scale = (height - 18) / ticks[-1]  # room above the tallest bar for its label

    def y(value):
        return bottom - float(value) * scale

    out = []
    for tick in ticks:
        out.append(
            f'<line class="grid" x1="{left}" x2="{right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="currentColor" stroke-opacity="{0.6 if tick == 0 else 0.15}"/>'
            f'<text class="tick" x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" opacity="0.8">'
            f"{escape(value_format(tick))}</text>"
        )
    middle = (top + bottom) / 2
    out.append(
        f'<text class="axis-label" x="14" y="{middle:.1f}" transform="rotate(-90 14 {middle:.1f})" '
        f'text-anchor="middle" font-weight="bold">{escape(y_label)}</text>'
    )
    if not categories or maximum == 0:
        out.append(
            f'<text class="no-data" x="{(left + right) / 2:g}" y="{middle:.1f}" text-anchor="middle" '
            f'opacity="0.7">No data yet</text>'
        )
        return out

    slot = (right - left) / len(categories)
    group_width = min(slot * 0.7, 140 if layout != GROUPED else 60 * len(series))
    for column, category in enumerate(categories):
        x0 = left + column * slot + (slot - group_width) / 2
        out.append(
            f'<text class="category" x="{left + (column + 0.5) * slot:.1f}" y="{bottom + 16}" '
            f'text-anchor="middle">{escape(category)}</text>'
        )
        if layout == STACKED:
            base = 0
            segments = sum(1 for _, _, values in series if values[column])
            for index, name, values in series:
                value = values[column]
                if not value:
                    continue
                out.append(
                    _bar(x0, y(base + value), group_width, float(value) * scale, index, name, category, value, unit)
                )
                if segments > 1 and float(value) * scale >= 16:  # a lone segment's value is its total, above
                    out.append(
                        f'<text class="value inside" x="{x0 + group_width / 2:.1f}" '
                        f'y="{y(base + value / 2) + 4:.1f}" text-anchor="middle" fill="#fff" '
                        f'font-weight="bold">{escape(value_format(value))}</text>'
                    )
                base += value
            if base:
                out.append(_value_label(x0 + group_width / 2, y(base), value_format(base)))
        else:
            bar_width = group_width / len(series)
            for offset, (index, name, values) in enumerate(series):
                value = values[column]
                if not value:
                    continue
                x = x0 + offset * bar_width
                out.append(
                    _bar(x + 1, y(value), bar_width - 2, float(value) * scale, index, name, category, value, unit)
                )
                out.append(_value_label(x + bar_width / 2, y(value), value_format(value)))
    return out


def _bar(x, y, width, height, index, name, category, value, unit):
    tooltip = f"{name}, {category}: {compact_number(value)}{' ' + unit if unit else ''}"
    return (
        f'<rect class="bar" data-series="{escape(name)}" data-category="{escape(category)}" '
        f'data-value="{escape(str(value))}" x="{x:.1f}" y="{y:.1f}" width="{max(width, 1):.1f}" '
        f'height="{max(height, 1):.1f}" fill="{PALETTE[index % len(PALETTE)]}"><title>{escape(tooltip)}</title></rect>'
    )


def _value_label(x, y, text):
    return (
        f'<text class="value" x="{x:.1f}" y="{y - 5:.1f}" text-anchor="middle" font-weight="bold">{escape(text)}</text>'
    )


def _legend_rows(series, *, available=WIDTH - 2 * MARGIN_RIGHT):
    """The legend's entries split into rows that fit the width: [[(index, name, width)], ...]."""
    rows, row, used = [], [], 0
    for index, (name, _) in enumerate(series):
        width = 22 + 7 * len(name) + 14
        if row and used + width > available:
            rows.append(row)
            row, used = [], 0
        row.append((index, name, width))
        used += width
    if row:
        rows.append(row)
    return rows


def _legend(rows, series):
    out = []
    for number, row in enumerate(rows):
        y = TITLE_HEIGHT + number * LEGEND_ROW_HEIGHT + 8
        x = (WIDTH - sum(width for _, _, width in row)) / 2
        for index, name, width in row:
            out.append(
                f'<g class="legend-item"><rect x="{x:.1f}" y="{y - 10}" width="14" height="14" rx="2" '
                f'fill="{PALETTE[index % len(PALETTE)]}"/><text x="{x + 20:.1f}" y="{y + 1}">{escape(name)}</text></g>'
            )
            x += width
    return out


def _wrap(text, width):
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines
