"""Charts: tide gauge, gas supply, hospital beds, hashtag volume, ammonia readings and the
amplification network."""

from __future__ import annotations

import math
import random

from svg import (
    AMBER, BLUE, GREEN, INK, MUTED, RED, circle, document, group, line, polygon,
    polyline, rect, text, title_bar,
)

W, H = 1200, 675


class Axes:
    """A plot area mapping data coordinates to pixels, with gridlines and labels."""

    def __init__(self, x0, y0, x1, y1, xmin, xmax, ymin, ymax):
        self.x0, self.y0, self.x1, self.y1 = x0, y0, x1, y1
        self.xmin, self.xmax, self.ymin, self.ymax = xmin, xmax, ymin, ymax

    def px(self, x: float) -> float:
        return self.x0 + (x - self.xmin) / (self.xmax - self.xmin) * (self.x1 - self.x0)

    def py(self, y: float) -> float:
        return self.y1 - (y - self.ymin) / (self.ymax - self.ymin) * (self.y1 - self.y0)

    def frame(self, yticks, ylabel_fmt, xticks, ylabel: str) -> str:
        out = [rect(self.x0, self.y0, self.x1 - self.x0, self.y1 - self.y0, fill="#ffffff")]
        for v in yticks:
            y = self.py(v)
            out.append(line(self.x0, y, self.x1, y, stroke="#e5e7eb", stroke_width=1))
            out.append(text(self.x0 - 10, y + 4, ylabel_fmt(v), size=12, fill=MUTED, anchor="end"))
        for v, label in xticks:
            x = self.px(v)
            out.append(line(x, self.y1, x, self.y1 + 6, stroke=MUTED))
            out.append(text(x, self.y1 + 22, label, size=12, fill=MUTED, anchor="middle"))
        out.append(line(self.x0, self.y1, self.x1, self.y1, stroke=INK, stroke_width=1.5))
        out.append(text(self.x0 - 10, self.y0 - 14, ylabel, size=12, fill=INK, weight="bold", anchor="start"))
        return group(*out)

    def series(self, pts, color, width=3, dash=None) -> str:
        return polyline([(self.px(x), self.py(y)) for x, y in pts], stroke=color, stroke_width=width, stroke_dasharray=dash, stroke_linejoin="round")

    def hline(self, y, color, label, dash="8 6", left=False) -> str:
        x, anchor = (self.x0 + 8, "start") if left else (self.x1 - 6, "end")
        return group(
            line(self.x0, self.py(y), self.x1, self.py(y), stroke=color, stroke_width=2, stroke_dasharray=dash),
            text(x, self.py(y) - 6, label, size=12, fill=color, anchor=anchor, weight="bold"),
        )


def key(x, y, items) -> str:
    out = []
    for i, (color, label, dash) in enumerate(items):
        yy = y + i * 22
        out.append(line(x, yy, x + 28, yy, stroke=color, stroke_width=3, stroke_dasharray=dash))
        out.append(text(x + 36, yy + 4, label, size=13))
    return group(*out)


def chart_tide_gauge() -> str:
    # Hours after 18:00 Thursday.
    ax = Axes(90, 110, 1150, 570, 0, 9, 0, 5)

    def predicted(t):
        return 1.35 + 1.25 * math.cos((t - 7.67) / 12.42 * 2 * math.pi)

    def surge(t):
        return 1.6 * math.exp(-((t - 7.5) / 2.6) ** 2)

    ts = [i / 10 for i in range(0, 91)]
    pred = [(t, predicted(t)) for t in ts]
    observed = [(t, predicted(t) + surge(t) * (0.92 + 0.03 * math.sin(t * 5))) for t in ts if t <= 6.42]
    fc_lo = [(t, predicted(t) + surge(t) * 0.85) for t in ts if t >= 6.42]
    fc_hi = [(t, predicted(t) + surge(t) * 1.12) for t in ts if t >= 6.42]
    band = polygon([(ax.px(t), ax.py(v)) for t, v in fc_hi] + [(ax.px(t), ax.py(v)) for t, v in reversed(fc_lo)], fill=RED, opacity=0.15)
    xt = [(h, f"{(18 + h) % 24:02d}:00") for h in range(0, 10)]
    now_x = ax.px(6.42)
    body = [
        rect(0, 0, W, H, fill="#f9fafb"),
        title_bar(W, "Saltreach Pier tide gauge: observed against predicted", "Levels in metres above Saltreach Datum (SD) · Thursday 18:00 to Friday 03:00 · automatic alarm at 00:25"),
        ax.frame([0, 1, 2, 3, 4, 5], lambda v: f"{v:.0f} m", xt, "Water level (m SD)"),
        band,
        ax.hline(4.5, AMBER, "Kettleholm sea wall crest 4.5 m", left=True),
        ax.hline(4.0, BLUE, "Berth 4 quay 4.0 m", left=True),
        ax.hline(3.8, RED, "Corvane bund wall 3.8 m", left=True),
        ax.series(pred, MUTED, width=2.5, dash="6 5"),
        ax.series(observed, RED, width=4),
        line(now_x, ax.y0, now_x, ax.y1, stroke=INK, stroke_width=1.5, stroke_dasharray="3 4"),
        text(now_x - 8, ax.y0 + 16, "now: 00:25, 3.61 m", size=13, weight="bold", anchor="end"),
        circle(ax.px(6.42), ax.py(observed[-1][1]), 6, fill=RED, stroke="#ffffff", stroke_width=2),
        text(ax.px(8.1), ax.py(4.75), "forecast peak 4.2 m at 01:40", size=13, anchor="middle", fill=RED, weight="bold"),
        key(110, 622, [(RED, "Observed", None), (MUTED, "Predicted tide (no surge)", "6 5")]),
        rect(420, 614, 28, 14, fill=RED, opacity=0.15),
        text(456, 626, "Forecast range to high water", size=13),
    ]
    return document(W, H, "Chart of observed and predicted water levels at Saltreach Pier", "".join(body))


def chart_gas_supply() -> str:
    days = ["Wed", "Thu", "Fri", "Sat", "Sun", "Mon", "Tue"]
    supply = [142, 140, 96, 96, 96, 96, 126]
    demand = [104, 109, 112, 118, 131, 127, 121]
    ax = Axes(100, 110, 1150, 560, -0.5, 6.5, 0, 160)
    bars = []
    for i, (s, d) in enumerate(zip(supply, demand)):
        x = ax.px(i)
        bars.append(rect(x - 40, ax.py(s), 36, ax.py(0) - ax.py(s), fill=BLUE if i < 2 else "#93c5fd"))
        bars.append(rect(x + 4, ax.py(d), 36, ax.py(0) - ax.py(d), fill=INK if i < 3 else "#6b7280"))
        if d > s:
            bars.append(rect(x + 4, ax.py(d), 36, ax.py(s) - ax.py(d), fill=RED, opacity=0.85))
            bars.append(text(x + 22, ax.py(d) - 8, f"−{d - s}", size=13, fill=RED, anchor="middle", weight="bold"))
    body = [
        rect(0, 0, W, H, fill="#f9fafb"),
        title_bar(W, "National gas balance: supply and demand, million m³ per day", "GridGas Marrenland · National Gas Control · Friday outlook · Solmere offline from Thursday night"),
        ax.frame([0, 40, 80, 120, 160], lambda v: f"{v:.0f}", [(i, d) for i, d in enumerate(days)], "million m³/d"),
        "".join(bars),
        line(ax.px(1.5), ax.y0, ax.px(1.5), ax.y1, stroke=MUTED, stroke_dasharray="4 4"),
        text(ax.px(1.5) + 8, ax.y0 + 18, "Solmere shut down", size=13, fill=MUTED, weight="bold"),
        text(ax.px(5.6), ax.y0 + 18, "restart assumed Tue", size=13, fill=MUTED, anchor="middle"),
        rect(120, 610, 20, 14, fill=BLUE), text(148, 622, "Supply", size=13),
        rect(240, 610, 20, 14, fill=INK), text(268, 622, "Demand", size=13),
        rect(370, 610, 20, 14, fill=RED), text(398, 622, "Shortfall (met from linepack and storage until Sat evening)", size=13),
        text(1150, 622, "Lighter bars are forecasts", size=12, fill=MUTED, anchor="end"),
    ]
    return document(W, H, "Chart of national gas supply and demand", "".join(body))


def chart_hospital_capacity() -> str:
    hospitals = [("Saltreach University Hospital", 96, 3, 0), ("Kettleholm General Hospital", 88, 0, 0), ("Verrin Central Hospital", 91, 1, 2)]
    body = [
        rect(0, 0, W, H, fill="#f9fafb"),
        title_bar(W, "Bed state at 00:00 Friday: Vesk Delta acute hospitals", "Health Board bed management · general and acute occupancy · critical care and neonatal capacity"),
        text(60, 120, "General and acute occupancy", size=17, weight="bold"),
    ]
    x0, x1 = 380, 1000
    for i, (name, occ, icu, nicu) in enumerate(hospitals):
        y = 150 + i * 70
        w = (x1 - x0) * occ / 100
        color = RED if occ >= 95 else AMBER if occ >= 90 else GREEN
        body += [
            text(60, y + 27, name, size=15),
            rect(x0, y, x1 - x0, 40, fill="#e5e7eb"),
            rect(x0, y, w, 40, fill=color),
            text(x0 + w + 10, y + 27, f"{occ}%", size=18, weight="bold", fill=color),
        ]
    safe = x0 + (x1 - x0) * 0.85
    body += [
        line(safe, 140, safe, 370, stroke=INK, stroke_width=2, stroke_dasharray="6 4"),
        text(safe, 386, "85%: safe operating level", size=12, anchor="middle", fill=INK),
        text(60, 440, "Free beds across the region", size=17, weight="bold"),
    ]
    tiles = [("Adult critical care", "4", "SUH 3 · Verrin 1", RED), ("Neonatal cots", "2", "Verrin 2", RED), ("KGH ICU patients", "9", "6 on ventilators", INK), ("KGH neonatal", "14", "babies on the unit", INK)]
    for i, (label, value, sub, color) in enumerate(tiles):
        x = 60 + i * 275
        body += [
            rect(x, 460, 255, 140, fill="#ffffff", stroke="#d1d5db", rx=8),
            text(x + 20, 492, label, size=15, fill=MUTED),
            text(x + 20, 556, value, size=52, weight="bold", fill=color),
            text(x + 20, 584, sub, size=13, fill=MUTED),
        ]
    return document(W, H, "Chart of hospital bed occupancy in the Vesk Delta", "".join(body))


def chart_hashtag_volume() -> str:
    # Posts per 10 minutes from 21:30 to 00:30 (18 bins); split into new and older accounts.
    totals = [0, 0, 0, 0, 0, 0, 0, 0, 60, 180, 420, 610, 820, 1340, 2650, 2200, 2480, 3440]
    new_share = [0, 0, 0, 0, 0, 0, 0, 0, 0.9, 0.8, 0.62, 0.5, 0.44, 0.4, 0.55, 0.3, 0.28, 0.26]
    ax = Axes(100, 120, 1150, 560, -0.5, 17.5, 0, 3500)
    bars = []
    for i, (t, s) in enumerate(zip(totals, new_share)):
        x = ax.px(i)
        new = t * s
        bars.append(rect(x - 22, ax.py(t), 44, ax.py(0) - ax.py(t), fill="#9ca3af"))
        bars.append(rect(x - 22, ax.py(new), 44, ax.py(0) - ax.py(new), fill=RED))
    ticks = [(i, f"{(21 * 60 + 30 + i * 10) // 60 % 24:02d}:{(30 + i * 10) % 60:02d}") for i in range(0, 18, 3)]
    body = [
        rect(0, 0, W, H, fill="#f9fafb"),
        title_bar(W, "#VeskBetrayal: posts per 10 minutes, 21:30 to 00:30", "GCO media monitoring · 14,200 posts · accounts created in the last 30 days shown in red"),
        ax.frame([0, 1000, 2000, 3000], lambda v: f"{v:,.0f}", ticks, "Posts per 10 min"),
        "".join(bars),
        line(ax.px(8), ax.y0 + 40, ax.px(8), ax.py(60) - 6, stroke=INK, stroke_width=1.5),
        text(ax.px(8) - 6, ax.y0 + 34, "22:51 first post, before any news of the fault", size=13, anchor="end", weight="bold"),
        line(ax.px(14), ax.y0 + 10, ax.px(14), ax.py(2650) - 6, stroke=INK, stroke_width=1.5),
        text(ax.px(14) - 6, ax.y0 + 4, "00:12 burst: 140 identical posts in 90 s", size=13, anchor="end", weight="bold"),
        rect(100, 610, 20, 14, fill=RED), text(128, 622, "Accounts under 30 days old", size=13),
        rect(360, 610, 20, 14, fill="#9ca3af"), text(388, 622, "Older accounts", size=13),
    ]
    return document(W, H, "Chart of posts using the VeskBetrayal hashtag over three hours", "".join(body))


def chart_ammonia_readings() -> str:
    # Hours after 06:00 Friday, to 01:00 Saturday (19 h).
    ax = Axes(100, 110, 1150, 570, 0, 19, 0, 240)

    def pulse(t, peak, at, width):
        return peak * math.exp(-((t - at) / width) ** 2)

    ts = [i / 4 for i in range(0, 77)]
    monitors = [
        ("North-east (Grell Road)", RED, lambda t: pulse(t, 212, 3.67, 2.6) if t < 11 else max(0.0, 3 - (t - 11) * 0.4)),
        ("North", AMBER, lambda t: pulse(t, 96, 3.9, 2.4)),
        ("East", BLUE, lambda t: pulse(t, 61, 4.4, 2.2)),
        ("South (estuary side)", GREEN, lambda t: pulse(t, 14, 3.5, 2.0)),
    ]
    body = [
        rect(0, 0, W, H, fill="#f9fafb"),
        title_bar(W, "Corvane boundary monitors: ammonia, Friday 06:00 to Saturday 01:00", "Four fixed monitors on the site boundary · parts per million (ppm) · venting stopped 15:30"),
        ax.frame([0, 50, 100, 150, 200], lambda v: f"{v:.0f}", [(h, f"{(6 + h) % 24:02d}:00") for h in range(0, 20, 2)], "ppm"),
        ax.hline(30, INK, "30 ppm: shelter-in-place advice level"),
    ]
    for name, color, f in monitors:
        body.append(ax.series([(t, f(t)) for t in ts], color, width=3))
    body += [
        circle(ax.px(3.67), ax.py(212), 6, fill=RED, stroke="#ffffff", stroke_width=2),
        text(ax.px(3.67) + 12, ax.py(212) + 4, "peak 212 ppm at 09:40", size=13, weight="bold", fill=RED),
        line(ax.px(8.2), ax.y0, ax.px(8.2), ax.y1, stroke=MUTED, stroke_dasharray="4 4"),
        text(ax.px(8.2) + 6, ax.y0 + 16, "generator running 14:10", size=12, fill=MUTED),
        key(110, 612, [(c, n, None) for n, c, _ in monitors[:2]]),
        key(420, 612, [(c, n, None) for n, c, _ in monitors[2:]]),
    ]
    return document(W, H, "Chart of ammonia readings at the Corvane site boundary", "".join(body))


def chart_bot_network() -> str:
    rng = random.Random(41)
    nodes, edges = [], []
    hubs = {"Skarl Insider": (420, 330), "LOWTIDE": (520, 250), "@ValkaNorth": (470, 430), "@truthtide_88": (600, 360)}
    cluster = []
    for _ in range(190):
        a, r = rng.uniform(0, 2 * math.pi), abs(rng.gauss(0, 95))
        cluster.append((500 + r * math.cos(a) * 1.2, 340 + r * math.sin(a)))
    ordinary = []
    for _ in range(130):
        a, r = rng.uniform(0, 2 * math.pi), rng.uniform(200, 330)
        ordinary.append((620 + r * math.cos(a) * 1.5, 360 + r * math.sin(a) * 0.85))
    for p in cluster:
        for _ in range(2):
            q = rng.choice(cluster)
            edges.append(line(p[0], p[1], q[0], q[1], stroke=RED, stroke_width=0.6, opacity=0.25))
        hub = rng.choice(list(hubs.values()))
        edges.append(line(p[0], p[1], hub[0], hub[1], stroke=RED, stroke_width=0.6, opacity=0.3))
    for p in ordinary:
        q = rng.choice(cluster + ordinary)
        edges.append(line(p[0], p[1], q[0], q[1], stroke="#6b7280", stroke_width=0.6, opacity=0.35))
    nodes += [circle(x, y, 3.2, fill=RED) for x, y in cluster]
    nodes += [circle(x, y, 3.2, fill="#9ca3af") for x, y in ordinary]
    for name, (x, y) in hubs.items():
        nodes.append(circle(x, y, 13, fill="#7f1d1d", stroke="#ffffff", stroke_width=2))
        nodes.append(text(x + 18, y + 5, name, size=15, weight="bold", stroke="#ffffff", stroke_width=4, paint_order="stroke"))
    body = [
        rect(0, 0, W, H, fill="#f9fafb"),
        title_bar(W, "Amplification network: #VeskBetrayal and the ‘Dauge audio’", "JAC open-source analysis, 09:00 Friday · dots are accounts, lines are reposts"),
        group(*edges), group(*nodes),
        rect(880, 500, 300, 110, fill="#ffffff", stroke="#d1d5db", rx=6),
        circle(904, 528, 6, fill=RED), text(920, 533, "Coordinated cluster (1,140 accounts)", size=13),
        circle(904, 556, 6, fill="#9ca3af"), text(920, 561, "Ordinary users drawn in", size=13),
        circle(904, 584, 9, fill="#7f1d1d"), text(920, 589, "Seeding accounts and channels", size=13),
        text(40, 640, "Sample of 320 of 5,900 accounts shown. Layout by repost community.", size=12, fill=MUTED),
    ]
    return document(W, H, "Network map of accounts amplifying a disinformation hashtag", "".join(body))


CHARTS = {
    "chart-tide-gauge.svg": chart_tide_gauge,
    "chart-gas-supply.svg": chart_gas_supply,
    "chart-hospital-capacity.svg": chart_hospital_capacity,
    "chart-hashtag-volume.svg": chart_hashtag_volume,
    "chart-ammonia-readings.svg": chart_ammonia_readings,
    "chart-bot-network.svg": chart_bot_network,
}

