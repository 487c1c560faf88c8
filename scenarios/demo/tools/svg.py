"""Small SVG building blocks shared by the GREY TIDE media drawings.

Only generic font families are used (sans-serif, serif, monospace), so the images need no
installed fonts. Every drawing is plain shapes and text: no scripts, no external references.
"""

from __future__ import annotations

import math
import random
from xml.sax.saxutils import escape

SANS = "sans-serif"
SERIF = "serif"
MONO = "monospace"

# One palette for every image, so the set looks like it belongs together.
INK = "#1f2937"
MUTED = "#6b7280"
PAPER = "#fbfaf6"
LAND = "#ece6d3"
LAND_EDGE = "#c9bf9f"
MARSH = "#d5dcb8"
URBAN = "#d9cfb8"
WATER = "#a9cbe6"
WATER_DEEP = "#7fb0d8"
NIGHT_TOP = "#0b1526"
NIGHT_BOTTOM = "#1f3550"
RED = "#dc2626"
AMBER = "#f59e0b"
GREEN = "#16a34a"
BLUE = "#2563eb"
FLOOD = "#3b82f6"


def fmt(v: float) -> str:
    """A coordinate with at most one decimal, to keep files small."""
    r = round(v, 1)
    return str(int(r)) if r == int(r) else f"{r}"


def attrs(**kw: object) -> str:
    """SVG attributes from keyword arguments (`stroke_width` becomes `stroke-width`)."""
    out = []
    for k, v in kw.items():
        if v is None:
            continue
        name = k.rstrip("_").replace("_", "-")
        if isinstance(v, float):
            v = fmt(v)
        out.append(f'{name}="{escape(str(v), {chr(34): "&quot;"})}"')
    return " ".join(out)


def rect(x, y, w, h, fill="none", **kw) -> str:
    return f"<rect {attrs(x=float(x), y=float(y), width=float(w), height=float(h), fill=fill, **kw)}/>"


def circle(cx, cy, r, fill="none", **kw) -> str:
    return f"<circle {attrs(cx=float(cx), cy=float(cy), r=float(r), fill=fill, **kw)}/>"


def ellipse(cx, cy, rx, ry, fill="none", **kw) -> str:
    return f"<ellipse {attrs(cx=float(cx), cy=float(cy), rx=float(rx), ry=float(ry), fill=fill, **kw)}/>"


def line(x1, y1, x2, y2, stroke=INK, **kw) -> str:
    return f"<line {attrs(x1=float(x1), y1=float(y1), x2=float(x2), y2=float(y2), stroke=stroke, **kw)}/>"


def points(pts) -> str:
    return " ".join(f"{fmt(x)},{fmt(y)}" for x, y in pts)


def polygon(pts, fill="none", **kw) -> str:
    return f"<polygon {attrs(points=points(pts), fill=fill, **kw)}/>"


def polyline(pts, stroke=INK, fill="none", **kw) -> str:
    return f"<polyline {attrs(points=points(pts), stroke=stroke, fill=fill, **kw)}/>"


def path(d: str, fill="none", **kw) -> str:
    return f"<path {attrs(d=d, fill=fill, **kw)}/>"


def smooth_path(pts, closed=True) -> str:
    """A Catmull-Rom curve through the points, as path data (closed by default)."""
    n = len(pts)
    if n < 3:
        return "M" + " L".join(f"{fmt(x)},{fmt(y)}" for x, y in pts)
    seq = pts if closed else [pts[0]] + pts + [pts[-1]]
    count = n if closed else n - 1
    d = [f"M{fmt(seq[0 if closed else 1][0])},{fmt(seq[0 if closed else 1][1])}"]
    for i in range(count):
        if closed:
            p0, p1, p2, p3 = seq[(i - 1) % n], seq[i], seq[(i + 1) % n], seq[(i + 2) % n]
        else:
            p0, p1, p2, p3 = seq[i], seq[i + 1], seq[i + 2], seq[min(i + 3, len(seq) - 1)]
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        d.append(
            f"C{fmt(c1[0])},{fmt(c1[1])} {fmt(c2[0])},{fmt(c2[1])} {fmt(p2[0])},{fmt(p2[1])}"
        )
    if closed:
        d.append("Z")
    return " ".join(d)


def text(x, y, s: str, size=16, fill=INK, family=SANS, weight=None, anchor=None, **kw) -> str:
    return (
        f"<text {attrs(x=float(x), y=float(y), font_size=size, fill=fill, font_family=family, font_weight=weight, text_anchor=anchor, **kw)}>"
        f"{escape(s)}</text>"
    )


def wrap(s: str, width_px: float, size: float, factor: float = 0.53) -> list[str]:
    """Greedy word wrap using an average glyph width of `factor` × font size."""
    max_chars = max(8, int(width_px / (size * factor)))
    lines, current = [], ""
    for word in s.split():
        candidate = f"{current} {word}".strip()
        if len(candidate) <= max_chars:
            current = candidate
        else:
            if current:
                lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def text_block(x, y, s: str, width, size=16, leading=1.35, factor=0.53, **kw) -> tuple[str, float]:
    """Wrapped text; returns the markup and the y below the last line."""
    out = []
    for i, ln in enumerate(wrap(s, width, size, factor)):
        out.append(text(x, y + i * size * leading, ln, size=size, **kw))
    n = max(1, len(out))
    return "".join(out), y + n * size * leading


def group(*parts: str, **kw) -> str:
    return f"<g {attrs(**kw)}>" + "".join(parts) + "</g>"


def linear_gradient(gid: str, stops, vertical=True) -> str:
    x2, y2 = ("0", "1") if vertical else ("1", "0")
    s = "".join(
        f'<stop offset="{o}" stop-color="{c}"' + (f' stop-opacity="{a}"' if a is not None else "") + "/>"
        for o, c, a in stops
    )
    return f'<linearGradient id="{gid}" x1="0" y1="0" x2="{x2}" y2="{y2}">{s}</linearGradient>'


def radial_gradient(gid: str, stops) -> str:
    s = "".join(
        f'<stop offset="{o}" stop-color="{c}"' + (f' stop-opacity="{a}"' if a is not None else "") + "/>"
        for o, c, a in stops
    )
    return f'<radialGradient id="{gid}">{s}</radialGradient>'


def exercise_mark(w: float, h: float, dark: bool = False) -> str:
    """The marking every exercise image carries, bottom right."""
    label = "EXERCISE GREY TIDE · FICTIONAL"
    bw = len(label) * 6.6 + 16
    bg = "#000000" if dark else "#ffffff"
    fg = "#e5e7eb" if dark else "#374151"
    return group(
        rect(w - bw - 8, h - 26, bw, 18, fill=bg, fill_opacity=0.55, rx=3),
        text(w - 16, h - 13, label, size=11, fill=fg, anchor="end", weight="bold", letter_spacing=0.5),
    )


def document(w: int, h: int, title: str, body: str, defs: str = "", dark_mark: bool = False, mark: bool = True) -> str:
    """A complete SVG file."""
    marking = exercise_mark(w, h, dark_mark) if mark else ""
    defs_el = f"<defs>{defs}</defs>" if defs else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img">'
        f"<title>{escape(title)}</title>{defs_el}{body}{marking}</svg>\n"
    )


def rain(rng: random.Random, w, h, count=160, color="#9fb3c8", opacity=0.35, slant=-0.35, length=(14, 30)) -> str:
    """Slanted rain streaks."""
    out = []
    for _ in range(count):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        n = rng.uniform(*length)
        out.append(line(x, y, x + slant * n, y + n, stroke=color, stroke_width=1.2))
    return group(*out, opacity=opacity)


def waves(rng: random.Random, x0, x1, y0, y1, rows=8, color="#ffffff", opacity=0.25, amp=4) -> str:
    """Rows of short wave strokes on a water surface."""
    out = []
    for r in range(rows):
        y = y0 + (y1 - y0) * (r + 0.5) / rows
        x = x0 + rng.uniform(0, 40)
        while x < x1:
            seg = rng.uniform(18, 46)
            a = amp * (0.6 + r / rows)
            out.append(
                path(
                    f"M{fmt(x)},{fmt(y)} q{fmt(seg / 4)},{fmt(-a)} {fmt(seg / 2)},0 t{fmt(seg / 2)},0",
                    stroke=color,
                    stroke_width=1.6,
                    stroke_linecap="round",
                )
            )
            x += seg + rng.uniform(20, 60)
    return group(*out, opacity=opacity)


def person(x, y, h=60, fill="#374151", head=None) -> str:
    """A simple standing figure, feet at (x, y)."""
    hr = h * 0.11
    return group(
        circle(x, y - h + hr, hr, fill=head or fill),
        path(
            f"M{fmt(x - h * 0.16)},{fmt(y - h * 0.1)} L{fmt(x - h * 0.14)},{fmt(y - h * 0.72)} "
            f"Q{fmt(x)},{fmt(y - h * 0.82)} {fmt(x + h * 0.14)},{fmt(y - h * 0.72)} L{fmt(x + h * 0.16)},{fmt(y - h * 0.1)} Z",
            fill=fill,
        ),
        rect(x - h * 0.11, y - h * 0.14, h * 0.09, h * 0.14, fill=fill),
        rect(x + h * 0.02, y - h * 0.14, h * 0.09, h * 0.14, fill=fill),
    )


def arrow(x1, y1, x2, y2, color=INK, width=3.0, head=12.0, **kw) -> str:
    """A straight arrow with a filled head."""
    ang = math.atan2(y2 - y1, x2 - x1)
    bx, by = x2 - head * math.cos(ang), y2 - head * math.sin(ang)
    left = (bx + head * 0.5 * math.sin(ang), by - head * 0.5 * math.cos(ang))
    right = (bx - head * 0.5 * math.sin(ang), by + head * 0.5 * math.cos(ang))
    return group(
        line(x1, y1, bx, by, stroke=color, stroke_width=width, **kw),
        polygon([(x2, y2), left, right], fill=color),
    )


def north_arrow(x, y, size=26) -> str:
    return group(
        polygon([(x, y - size), (x - size * 0.35, y + size * 0.35), (x, y + size * 0.1)], fill=INK),
        polygon([(x, y - size), (x + size * 0.35, y + size * 0.35), (x, y + size * 0.1)], fill="#ffffff", stroke=INK, stroke_width=1),
        text(x, y - size - 6, "N", size=13, weight="bold", anchor="middle"),
    )


def scale_bar(x, y, px_per_km: float, km: int, label: str | None = None) -> str:
    w = px_per_km * km
    half = w / 2
    return group(
        rect(x, y, half, 6, fill=INK),
        rect(x + half, y, half, 6, fill="#ffffff", stroke=INK, stroke_width=1),
        text(x, y + 20, "0", size=11, anchor="middle"),
        text(x + w, y + 20, label or f"{km} km", size=11, anchor="middle"),
    )


def title_bar(w, title: str, subtitle: str = "", color=INK) -> str:
    """The dark band with a title used on maps and charts."""
    parts = [rect(0, 0, w, 64, fill=color), text(24, 30, title, size=22, fill="#ffffff", weight="bold")]
    if subtitle:
        parts.append(text(24, 52, subtitle, size=13, fill="#d1d5db"))
    return "".join(parts)


def legend(x, y, items, width=230, title="Legend") -> str:
    """A boxed legend. Items are (swatch markup builder, label)."""
    h = 34 + 24 * len(items)
    out = [rect(x, y, width, h, fill="#ffffff", fill_opacity=0.92, stroke="#9ca3af", rx=4)]
    out.append(text(x + 12, y + 21, title, size=13, weight="bold"))
    for i, (swatch, label) in enumerate(items):
        yy = y + 40 + i * 24
        out.append(swatch(x + 12, yy - 10))
        out.append(text(x + 44, yy + 2, label, size=12))
    return group(*out)


def swatch_fill(color, opacity=1.0, stroke=None):
    return lambda x, y: rect(x, y, 24, 14, fill=color, fill_opacity=opacity, stroke=stroke or "none")


def swatch_line(color, dash=None, width=3):
    return lambda x, y: line(x, y + 7, x + 24, y + 7, stroke=color, stroke_width=width, stroke_dasharray=dash)


def swatch_dot(color):
    return lambda x, y: circle(x + 12, y + 7, 6, fill=color, stroke="#ffffff", stroke_width=1.5)
