"""Wordmarks of the invented news outlets."""

from __future__ import annotations

from svg import SERIF, circle, document, ellipse, group, line, path, polygon, rect, text

LW, LH = 800, 300


def logo(title: str, parts: list[str]) -> str:
    return document(LW, LH, title, "".join(parts))


def logo_tidewire() -> str:
    return logo("Tidewire news agency logo", [
        rect(0, 0, LW, LH, fill="#0f2744"),
        path("M80,170 q40,-40 80,0 t80,0", stroke="#38bdf8", stroke_width=10, stroke_linecap="round"),
        text(270, 172, "TIDEWIRE", size=84, weight="900", fill="#ffffff", letter_spacing=4),
        text(274, 222, "NEWS AGENCY · VERRIN", size=22, fill="#7dd3fc", letter_spacing=8),
        line(80, 200, 240, 200, stroke="#38bdf8", stroke_width=4),
    ])


def logo_saltreach_courier() -> str:
    ship = group(
        path("M90,190 L190,190 L175,215 L105,215 Z", fill="#1c1917"),
        line(140, 110, 140, 190, stroke="#1c1917", stroke_width=4),
        polygon([(144, 116), (185, 180), (144, 180)], fill="#1c1917"),
        polygon([(136, 126), (104, 180), (136, 180)], fill="#57534e"),
    )
    return logo("The Saltreach Courier newspaper logo", [
        rect(0, 0, LW, LH, fill="#faf7f0"),
        ship,
        text(230, 128, "The", size=34, family=SERIF, font_style="italic", fill="#1c1917"),
        text(230, 190, "Saltreach Courier", size=68, family=SERIF, weight="bold", fill="#1c1917"),
        line(230, 214, 760, 214, stroke="#1c1917", stroke_width=2),
        text(230, 244, "SERVING THE VESK DELTA SINCE 1868", size=18, family=SERIF, fill="#57534e", letter_spacing=4),
    ])


def logo_vesk24() -> str:
    return logo("Vesk24 rolling news channel logo", [
        rect(0, 0, LW, LH, fill="#ffffff"),
        rect(120, 70, 360, 150, fill="#dc2626", rx=10),
        text(300, 186, "VESK", size=110, weight="900", fill="#ffffff", anchor="middle", letter_spacing=4),
        circle(590, 145, 85, fill="#111827"),
        text(590, 180, "24", size=96, weight="900", fill="#ffffff", anchor="middle"),
        text(400, 262, "NEWS · ALL DAY · ALL DELTA", size=20, fill="#6b7280", anchor="middle", letter_spacing=6),
    ])


def logo_verrin_ledger() -> str:
    return logo("The Verrin Ledger newspaper logo", [
        rect(0, 0, LW, LH, fill="#f4f1ea"),
        line(60, 80, 740, 80, stroke="#14532d", stroke_width=3),
        line(60, 88, 740, 88, stroke="#14532d", stroke_width=1),
        text(400, 172, "THE VERRIN LEDGER", size=54, family=SERIF, weight="bold", fill="#14532d", anchor="middle", letter_spacing=2),
        line(60, 210, 740, 210, stroke="#14532d", stroke_width=1),
        line(60, 218, 740, 218, stroke="#14532d", stroke_width=3),
        text(400, 254, "INDEPENDENT · INVESTIGATIVE · SINCE 1902", size=17, family=SERIF, fill="#14532d", anchor="middle", letter_spacing=3),
    ])


def logo_dfn_global() -> str:
    globe = group(
        circle(170, 150, 80, fill="#facc15"),
        ellipse(170, 150, 36, 80, stroke="#7f1d1d", stroke_width=5),
        line(90, 150, 250, 150, stroke="#7f1d1d", stroke_width=5),
        path("M102,110 Q170,125 238,110", stroke="#7f1d1d", stroke_width=4),
        path("M102,190 Q170,175 238,190", stroke="#7f1d1d", stroke_width=4),
    )
    return logo("DFN Global state broadcaster logo", [
        rect(0, 0, LW, LH, fill="#7f1d1d"),
        globe,
        text(290, 170, "DFN", size=110, weight="900", fill="#facc15", letter_spacing=4),
        text(566, 170, "GLOBAL", size=52, weight="bold", fill="#ffffff"),
        text(292, 226, "DREVANIAN FEDERATION NETWORK", size=18, fill="#fecaca", letter_spacing=3),
    ])


def logo_marrenland_today() -> str:
    return logo("Marrenland Today tabloid logo", [
        rect(0, 0, LW, LH, fill="#dc2626"),
        text(60, 146, "Marrenland", size=92, weight="900", fill="#ffffff", font_style="italic"),
        rect(490, 176, 250, 76, fill="#ffffff"),
        text(615, 238, "TODAY", size=64, weight="900", fill="#dc2626", anchor="middle", letter_spacing=3),
        text(64, 222, "THE NATION'S FAVOURITE DAILY", size=17, fill="#fee2e2", letter_spacing=2),
    ])


def logo_harbourline() -> str:
    anchor = group(
        circle(160, 92, 16, stroke="#0f766e", stroke_width=8),
        line(160, 108, 160, 220, stroke="#0f766e", stroke_width=10),
        line(120, 136, 200, 136, stroke="#0f766e", stroke_width=8),
        path("M96,180 Q104,228 160,224 Q216,228 224,180", stroke="#0f766e", stroke_width=10),
    )
    return logo("Harbourline shipping and energy news logo", [
        rect(0, 0, LW, LH, fill="#ecfeff"),
        anchor,
        text(260, 168, "HARBOURLINE", size=62, weight="900", fill="#0f766e", letter_spacing=2),
        text(264, 214, "SHIPPING · ENERGY · TRADE", size=20, fill="#134e4a", letter_spacing=5),
    ])


LOGOS = {
    "logo-tidewire.svg": logo_tidewire,
    "logo-saltreach-courier.svg": logo_saltreach_courier,
    "logo-vesk24.svg": logo_vesk24,
    "logo-verrin-ledger.svg": logo_verrin_ledger,
    "logo-dfn-global.svg": logo_dfn_global,
    "logo-marrenland-today.svg": logo_marrenland_today,
    "logo-harbourline.svg": logo_harbourline,
}
