"""Maps of the invented Vesk Delta: the region, the surge forecast, Kettleholm, the port and
the ammonia plume."""

from __future__ import annotations

import math

from svg import (
    AMBER, BLUE, FLOOD, GREEN, INK, LAND, LAND_EDGE, MARSH, MUTED, RED, URBAN, WATER,
    WATER_DEEP, arrow, circle, document, group, legend, line, linear_gradient, north_arrow,
    path, polygon, polyline, rect, scale_bar, smooth_path, swatch_dot, swatch_fill,
    swatch_line, text, title_bar,
)

W, H = 1200, 675

# The region (1 km ≈ 14 px). Sea to the west, the Vesk estuary running east to Verrin.
NORTH_SHORE = [
    (1200, 292), (1090, 290), (990, 298), (900, 288), (820, 296), (760, 300), (700, 316),
    (662, 330), (640, 328), (600, 318), (540, 302), (480, 314), (445, 332), (418, 352),
    (392, 352), (366, 338), (334, 318), (300, 298), (272, 266), (254, 222), (246, 170),
    (250, 120), (262, 64),
]
SOUTH_SHORE = [
    (262, 675), (300, 620), (268, 580), (246, 540), (256, 505), (292, 470), (340, 442),
    (410, 420), (480, 402), (560, 384), (620, 366), (650, 354), (668, 352), (700, 362),
    (760, 368), (830, 360), (900, 352), (990, 340), (1090, 334), (1200, 332),
]
BARRIER = ((664, 330), (666, 353))

PLACES = {
    "Saltreach": (360, 250),
    "Tollgate": (520, 215),
    "Grell": (408, 338),
    "Vellis Point": (248, 520),
    "Dunmarrow": (664, 305),
    "Kettleholm": (770, 400),
    "Lowmere": (990, 262),
    "Brannock Bridge": (900, 320),
}


def land_shapes() -> str:
    return group(
        path(smooth_path(NORTH_SHORE, closed=False) + " L1200,64 Z", fill=LAND, stroke=LAND_EDGE, stroke_width=2),
        path(smooth_path(SOUTH_SHORE, closed=False) + " L1200,675 Z", fill=LAND, stroke=LAND_EDGE, stroke_width=2),
    )


def region_base(dim_land: bool = False) -> str:
    """Sea, land, towns, roads and labels shared by the regional maps."""
    parts = [
        rect(0, 64, W, H - 64, fill="url(#sea)"),
        land_shapes(),
        # Marshes east of Kettleholm and on the north bank near Lowmere.
        path(smooth_path([(830, 380), (930, 372), (1010, 392), (980, 440), (880, 452), (820, 428)]), fill=MARSH, opacity=0.9),
        path(smooth_path([(1040, 250), (1120, 246), (1150, 270), (1090, 282), (1040, 276)]), fill=MARSH, opacity=0.9),
        # Towns.
        path(smooth_path([(300, 230), (360, 200), (430, 214), (460, 262), (420, 300), (350, 296), (310, 272)]), fill=URBAN),
        path(smooth_path([(492, 196), (548, 190), (566, 226), (520, 244), (490, 228)]), fill=URBAN),
        path(smooth_path([(730, 374), (800, 370), (826, 398), (792, 430), (738, 420)]), fill=URBAN),
        path(smooth_path([(960, 250), (1010, 246), (1020, 272), (970, 282)]), fill=URBAN),
        path(smooth_path([(640, 296), (676, 292), (684, 312), (648, 316)]), fill=URBAN),
        # Roads.
        polyline([(262, 150), (330, 232), (430, 250), (520, 225), (620, 262), (664, 300), (760, 282), (900, 278), (990, 262), (1200, 250)], stroke="#ffffff", stroke_width=5),
        polyline([(262, 150), (330, 232), (430, 250), (520, 225), (620, 262), (664, 300), (760, 282), (900, 278), (990, 262), (1200, 250)], stroke="#b45309", stroke_width=2),
        polyline([(330, 232), (400, 300), (410, 336)], stroke="#ffffff", stroke_width=3),
        polyline([(900, 278), (900, 360), (820, 392), (760, 400), (680, 430), (560, 470), (420, 520), (320, 600)], stroke="#ffffff", stroke_width=5),
        polyline([(900, 278), (900, 360), (820, 392), (760, 400), (680, 430), (560, 470), (420, 520), (320, 600)], stroke="#b45309", stroke_width=2),
        polyline([(820, 392), (1200, 470)], stroke="#ffffff", stroke_width=3),
        # Brannock Bridge.
        line(900, 286, 900, 354, stroke=INK, stroke_width=4),
        # Dunmarrow Tidal Barrier.
        line(*BARRIER[0], *BARRIER[1], stroke=RED, stroke_width=6, stroke_linecap="round"),
    ]
    if dim_land:
        parts.append(rect(0, 64, W, H - 64, fill="#ffffff", opacity=0.25))
    return group(*parts)


def place_labels(skip=()) -> str:
    out = []
    for name, (x, y) in PLACES.items():
        if name in skip:
            continue
        big = name in ("Saltreach", "Kettleholm")
        out.append(circle(x, y + 8 if name == "Kettleholm" else y, 4.5, fill=INK, stroke="#ffffff", stroke_width=1.5))
        dx = 8
        anchor = "start"
        if name in ("Vellis Point",):
            dx, anchor = -10, "end"
        out.append(
            text(x + dx, y - 8, name, size=17 if big else 14, weight="bold" if big else None, anchor=anchor, stroke="#ffffff", stroke_width=3, paint_order="stroke")
        )
    return group(*out)


def sea_defs() -> str:
    return linear_gradient("sea", [(0, WATER, None), (1, WATER_DEEP, None)], vertical=False)


def map_vesk_delta() -> str:
    body = [
        region_base(),
        place_labels(),
        text(120, 380, "SKARL SEA", size=24, fill="#ffffff", weight="bold", letter_spacing=6, opacity=0.9),
        text(560, 348, "Vesk estuary", size=14, fill="#1e3a5f", font_style="italic"),
        text(1010, 318, "River Vesk", size=14, fill="#1e3a5f", font_style="italic"),
        text(640, 378, "Dunmarrow Tidal Barrier", size=13, fill=RED, weight="bold", anchor="end", stroke="#ffffff", stroke_width=3, paint_order="stroke"),
        text(905, 342, "Brannock Br.", size=11, fill=INK),
        text(930, 420, "Kettle Marshes", size=12, fill="#4d7c0f", font_style="italic"),
        text(396, 362, "Port of Saltreach", size=11, fill=INK, anchor="middle"),
        arrow(1100, 225, 1185, 225, color=INK, width=3),
        text(1100, 214, "Verrin 60 km", size=14, weight="bold"),
        north_arrow(1140, 120),
        scale_bar(70, 625, 14, 10),
        title_bar(W, "The Vesk Delta, Republic of Marrenland", "Reference map · Exercise GREY TIDE · all places fictional"),
        legend(
            960, 500,
            [
                (swatch_fill(URBAN), "Built-up area"),
                (swatch_fill(MARSH), "Marsh and low farmland"),
                (swatch_line("#b45309"), "Main road"),
                (swatch_line(RED, width=6), "Tidal barrier"),
            ],
            width=210,
        ),
    ]
    return document(W, H, "Reference map of the Vesk Delta", "".join(body), defs=sea_defs())


def coast_band(points, color, width=16, opacity=0.6) -> str:
    """A coloured band along part of a shoreline (coastal warning areas)."""
    return path(smooth_path(points, closed=False), stroke=color, stroke_width=width, opacity=opacity, stroke_linecap="round", stroke_linejoin="round")


def callout(x, y, tx, ty, title, value, color) -> str:
    """A labelled box joined by a leader line to a point on the map."""
    width = max(len(title) * 6.6, len(value) * 9.6) + 18
    return group(
        line(x, y, tx, ty, stroke=INK, stroke_width=1.5),
        circle(x, y, 5, fill=color, stroke="#ffffff", stroke_width=2),
        rect(tx - 4, ty - 34, width, 44, fill="#ffffff", stroke=color, stroke_width=2, rx=4),
        text(tx + 6, ty - 16, title, size=12, fill=MUTED),
        text(tx + 6, ty + 4, value, size=16, weight="bold", fill=color),
    )


def map_surge_forecast() -> str:
    warnings = group(
        coast_band(SOUTH_SHORE[0:4], AMBER),
        coast_band(NORTH_SHORE[15:23], AMBER),
        coast_band(NORTH_SHORE[3:8], AMBER),
        coast_band(SOUTH_SHORE[3:15], RED),
        coast_band(NORTH_SHORE[10:16], RED),
    )
    track = "#0f2744"
    storm = group(
        circle(110, 600, 54, fill="none", stroke="#ffffff", stroke_width=2, opacity=0.7),
        circle(110, 600, 34, fill="none", stroke="#ffffff", stroke_width=2, opacity=0.7),
        circle(110, 600, 16, fill="#ffffff", opacity=0.9),
        text(110, 605, "L", size=16, weight="bold", anchor="middle", fill=track),
        path("M60,668 Q90,640 150,560 T232,430", stroke=track, stroke_width=4, stroke_dasharray="10 8"),
        arrow(226, 440, 246, 402, color=track, width=4, head=14),
        text(20, 486, "STORM HESPER", size=16, weight="bold", fill=track),
        text(20, 504, "958 hPa, moving NE", size=12, fill=track),
    )
    body = [
        region_base(),
        warnings,
        place_labels(skip=("Brannock Bridge", "Lowmere", "Tollgate")),
        storm,
        callout(392, 346, 130, 160, "Saltreach Pier, HW 01:40", "4.2 m SD (4.4 worst)", RED),
        callout(430, 336, 520, 130, "Corvane bund wall", "3.8 m SD (below forecast)", RED),
        callout(780, 366, 880, 480, "Kettleholm sea wall crest", "4.5 m SD", AMBER),
        callout(665, 342, 640, 570, "If the barrier is closed by 23:30", "inner estuary below 2.5 m", GREEN),
        title_bar(W, "Storm Hesper: surge forecast for high water 01:40 (Friday)", "Marrenland Weather Service · run 21:00 Thursday · levels in metres above Saltreach Datum (SD)"),
        legend(
            940, 86,
            [
                (swatch_fill(RED, 0.6), "Red warning: coastal surge"),
                (swatch_fill(AMBER, 0.6), "Amber: wind and waves"),
                (swatch_line(track, dash="6 4", width=4), "Forecast storm track"),
            ],
            width=240, title="Warnings",
        ),
        north_arrow(1150, 600),
    ]
    return document(W, H, "Storm Hesper surge forecast map", "".join(body), defs=sea_defs())


# ---------------------------------------------------------------- Kettleholm (town scale)

def kettleholm_base(overlay: str = "") -> str:
    """Kettleholm: street grid, then `overlay` (flooding, zones), then the estuary and the
    sea wall on top so that overlays never spill into the water."""
    parts = [rect(0, 64, W, H - 64, fill=LAND)]
    # Street blocks.
    for row in range(5):
        for col in range(13):
            x = 70 + col * 84 + (row % 2) * 18
            y = 250 + row * 78
            if x > 1140:
                continue
            parts.append(rect(x, y, 64, 54, fill=URBAN, rx=2))
    parts += [
        polyline([(0, 240), (1200, 232)], stroke="#ffffff", stroke_width=8),
        text(560, 244, "HARBOUR ROW", size=11, fill=MUTED, weight="bold", letter_spacing=2),
        polyline([(600, 232), (640, 660)], stroke="#ffffff", stroke_width=10),
        text(650, 520, "Brannock Road", size=12, fill=MUTED, transform="rotate(84 650 520)"),
        polyline([(0, 470), (1200, 460)], stroke="#ffffff", stroke_width=8),
        text(900, 455, "MARSH LANE", size=11, fill=MUTED, weight="bold", letter_spacing=2),
        overlay,
        path("M0,64 L1200,64 L1200,194 C1000,209 800,182 600,200 C400,218 200,190 0,208 Z", fill=WATER),
        text(980, 120, "Inner Vesk estuary", size=16, fill="#1e3a5f", font_style="italic"),
        path("M0,212 C200,194 400,222 600,204 C800,186 1000,213 1200,198", stroke="#57534e", stroke_width=7),
        text(16, 188, "Sea wall (crest 4.5 m SD)", size=12, fill="#44403c", weight="bold", stroke="#ffffff", stroke_width=3, paint_order="stroke"),
    ]
    return group(*parts)


def site(x, y, label, color, symbol="H", dx=14, anchor="start") -> str:
    return group(
        rect(x - 12, y - 12, 24, 24, fill=color, rx=4, stroke="#ffffff", stroke_width=2),
        text(x, y + 5, symbol, size=14, fill="#ffffff", weight="bold", anchor="middle"),
        text(x + dx, y + 5, label, size=13, weight="bold", anchor=anchor, stroke="#ffffff", stroke_width=3, paint_order="stroke"),
    )


def map_kettleholm_flood_extent() -> str:
    deep = path(smooth_path([(0, 214), (420, 214), (640, 204), (760, 230), (720, 330), (520, 360), (300, 340), (0, 330)]), fill=FLOOD, opacity=0.55)
    mid = path(smooth_path([(0, 212), (900, 200), (1140, 212), (1100, 420), (800, 470), (500, 520), (200, 500), (0, 470)]), fill=FLOOD, opacity=0.28)
    body = [
        kettleholm_base(mid + deep),
        site(300, 300, "Kettleholm General Hospital (closed)", RED, "H"),
        site(860, 380, "Brightholm House (evacuated)", AMBER, "C"),
        site(1060, 300, "Marsh Lane pumping station", MUTED, "P", dx=-16, anchor="end"),
        text(200, 420, "ZONE A", size=26, weight="bold", fill="#1e3a8a", opacity=0.7),
        text(760, 540, "ZONE B", size=26, weight="bold", fill="#1e3a8a", opacity=0.6),
        text(900, 640, "ZONE C (dry)", size=22, weight="bold", fill="#4b5563", opacity=0.7),
        title_bar(W, "Kettleholm: observed flood extent, 06:00 Friday", "Delta Fire & Rescue and NWB survey · depths estimated from rescue reports"),
        legend(
            930, 470,
            [
                (swatch_fill(FLOOD, 0.55), "Flooded 0.8 to 1.6 m"),
                (swatch_fill(FLOOD, 0.28), "Flooded up to 0.8 m"),
                (swatch_fill(URBAN), "Buildings"),
            ],
            width=220, title="Depth",
        ),
        north_arrow(1150, 110),
        scale_bar(40, 640, 120, 1, "500 m"),
    ]
    return document(W, H, "Map of the flooded area of Kettleholm", "".join(body))


def map_evacuation_routes() -> str:
    zone_c = path(smooth_path([(0, 480), (1200, 468), (1200, 675), (0, 675)]), fill=AMBER, opacity=0.22)
    body = [
        kettleholm_base(zone_c),
        text(60, 560, "ZONE C: 2,900 residents", size=22, weight="bold", fill="#92400e"),
        text(60, 584, "310 on the vulnerable persons register", size=14, fill="#92400e"),
        # Bus routes.
        polyline([(300, 600), (620, 560), (630, 470), (615, 300), (605, 232)], stroke=BLUE, stroke_width=6, stroke_dasharray="14 8"),
        arrow(605, 260, 600, 80, color=BLUE, width=6, head=18),
        polyline([(900, 620), (1100, 560), (1180, 520)], stroke=BLUE, stroke_width=6, stroke_dasharray="14 8"),
        arrow(1150, 534, 1196, 512, color=BLUE, width=6, head=18),
        rect(470, 84, 330, 50, fill="#ffffff", stroke=BLUE, stroke_width=2, rx=4),
        text(482, 104, "via Brannock Bridge to Saltreach Arena", size=13, weight="bold", fill=BLUE),
        text(482, 124, "(Arena closed to new arrivals: outbreak)", size=12, fill=RED),
        rect(880, 490, 300, 44, fill="#ffffff", stroke=BLUE, stroke_width=2, rx=4),
        text(892, 517, "East road to Verrin exhibition centre", size=13, weight="bold", fill=BLUE),
        # Pick-up points.
        site(300, 600, "Pick-up 1: Marsh Lane school", BLUE, "B"),
        site(900, 620, "Pick-up 2: Church square", BLUE, "B"),
        site(300, 300, "KGH (closed)", MUTED, "H"),
        title_bar(W, "Kettleholm Zone C: evacuation routes for Saturday's high water", "Vesk Delta Resilience Forum · buses from 22:00 if ordered · stretcher cases by ambulance"),
        legend(
            20, 250,
            [
                (swatch_fill(AMBER, 0.3), "Zone C (at risk tonight)"),
                (swatch_line(BLUE, dash="10 6", width=5), "Bus route"),
                (swatch_dot(BLUE), "Pick-up point"),
            ],
            width=220, title="Plan",
        ),
        north_arrow(1150, 110),
    ]
    return document(W, H, "Evacuation routes for Kettleholm Zone C", "".join(body))


# ---------------------------------------------------------------- Port and plume

def map_port_berths() -> str:
    parts = [
        rect(0, 64, W, H - 64, fill=WATER),
        # Grell peninsula.
        path("M0,64 L1200,64 L1200,250 L960,250 L960,420 L700,420 L700,520 L300,520 L300,400 L0,400 Z", fill=LAND, stroke=LAND_EDGE, stroke_width=2),
        # Quay edges.
        line(300, 520, 700, 520, stroke="#57534e", stroke_width=6),
        line(700, 420, 960, 420, stroke="#57534e", stroke_width=6),
        line(960, 250, 1200, 250, stroke="#57534e", stroke_width=6),
        # Grell Road.
        polyline([(0, 150), (1200, 150)], stroke="#ffffff", stroke_width=12),
        text(1020, 142, "GRELL ROAD (3.5 m SD)", size=12, weight="bold", fill=MUTED),
    ]
    # Solmere LNG terminal: two large tanks and the jetty.
    parts += [
        rect(330, 200, 330, 300, fill="#e0e7ef", stroke=BLUE, stroke_width=2, rx=6),
        text(345, 225, "SOLMERE GAS TERMINAL", size=15, weight="bold", fill=BLUE),
        text(345, 244, "defence crest 4.6 m SD", size=12, fill=BLUE),
        circle(420, 330, 58, fill="#f8fafc", stroke="#64748b", stroke_width=3),
        circle(560, 330, 58, fill="#f8fafc", stroke="#64748b", stroke_width=3),
        text(420, 335, "T1", size=14, anchor="middle", weight="bold", fill="#475569"),
        text(560, 335, "T2", size=14, anchor="middle", weight="bold", fill="#475569"),
        rect(360, 420, 90, 50, fill="#cbd5e1", stroke="#64748b"),
        text(405, 450, "flare", size=11, anchor="middle"),
        line(500, 520, 500, 600, stroke="#57534e", stroke_width=10),
        rect(380, 600, 260, 16, fill="#57534e"),
        text(650, 614, "BERTH 4 (quay 4.0 m SD)", size=13, weight="bold", fill=INK),
        # LNG carrier alongside Berth 4.
        path("M300,622 L660,622 L640,660 L320,660 Z", fill="#334155"),
        circle(370, 622, 16, fill="#e2e8f0"), circle(430, 622, 16, fill="#e2e8f0"),
        circle(490, 622, 16, fill="#e2e8f0"), circle(550, 622, 16, fill="#e2e8f0"),
        rect(600, 604, 26, 18, fill="#f8fafc"),
        text(480, 652, "MERIDIAN SAGA", size=12, fill="#ffffff", anchor="middle", weight="bold"),
    ]
    # Corvane ammonia terminal.
    parts += [
        rect(720, 180, 236, 220, fill="#fff7ed", stroke=RED, stroke_width=3, rx=4, stroke_dasharray="10 5"),
        text(742, 204, "CORVANE CHEMICAL TERMINAL", size=13, weight="bold", fill=RED),
        text(742, 222, "bund wall 3.8 m SD", size=12, fill=RED),
        circle(790, 280, 34, fill="#f8fafc", stroke="#9a3412", stroke_width=3),
        circle(880, 280, 34, fill="#f8fafc", stroke="#9a3412", stroke_width=3),
        circle(835, 350, 30, fill="#fecaca", stroke=RED, stroke_width=4),
        text(790, 285, "C-1", size=12, anchor="middle"), text(880, 285, "C-2", size=12, anchor="middle"),
        text(835, 355, "C-3", size=13, anchor="middle", weight="bold", fill=RED),
        rect(880, 360, 46, 26, fill="#fde68a", stroke="#92400e"),
        text(903, 378, "comp.", size=10, anchor="middle"),
        # Port offices and berths on the right.
        rect(990, 90, 180, 120, fill=URBAN, rx=4),
        text(1080, 140, "Port Operations", size=13, anchor="middle", weight="bold"),
        text(1080, 158, "Centre", size=13, anchor="middle", weight="bold"),
        text(1020, 240, "BERTHS 1-3", size=12, weight="bold", fill=MUTED),
        rect(1010, 262, 90, 30, fill="#475569", rx=3), text(1055, 282, "tugs", size=12, fill="#ffffff", anchor="middle"),
        text(150, 470, "Vesk estuary", size=18, fill="#1e3a5f", font_style="italic"),
        title_bar(W, "Port of Saltreach: berths and flood defence levels", "Port Operations Centre reference · levels in metres above Saltreach Datum (SD) · tonight's forecast peak 4.2 m"),
        north_arrow(1150, 600),
    ]
    return document(W, H, "Map of the Port of Saltreach", "".join(parts))


def map_ammonia_plume() -> str:
    src = (300, 520)
    ang = math.radians(-40)  # plume towards the north-east (up and right)

    def cone(length, spread_deg):
        a1, a2 = ang - math.radians(spread_deg), ang + math.radians(spread_deg)
        pts = [src]
        for i in range(21):
            a = a1 + (a2 - a1) * i / 20
            pts.append((src[0] + length * math.cos(a), src[1] + length * math.sin(a)))
        return pts

    parts = [
        rect(0, 64, W, H - 64, fill=LAND),
        path("M0,560 C200,540 260,600 420,620 C600,640 800,600 1200,610 L1200,675 L0,675 Z", fill=WATER),
        text(900, 650, "Vesk estuary", size=16, fill="#1e3a5f", font_style="italic"),
        path(smooth_path([(560, 160), (760, 120), (900, 200), (860, 330), (700, 350), (580, 280)]), fill=URBAN),
        path(smooth_path([(80, 200), (260, 170), (330, 260), (260, 360), (120, 340)]), fill=URBAN),
        polyline([(0, 470), (400, 440), (700, 380), (1200, 300)], stroke="#ffffff", stroke_width=10),
        text(1000, 318, "GRELL ROAD", size=12, weight="bold", fill=MUTED, transform="rotate(-9 1000 318)"),
        polygon(cone(640, 16), fill=AMBER, opacity=0.35),
        polygon(cone(190, 13), fill=RED, opacity=0.45),
    ]
    # Distance rings (1 km ≈ 180 px).
    for km in (1, 2, 3):
        parts.append(circle(src[0], src[1], km * 180, stroke="#6b7280", stroke_width=1, stroke_dasharray="4 6"))
        lx, ly = src[0] + km * 180 * math.cos(math.radians(12)), src[1] + km * 180 * math.sin(math.radians(12))
        parts.append(text(lx + 4, ly - 4, f"{km} km", size=12, fill=INK, weight="bold", stroke="#ffffff", stroke_width=3, paint_order="stroke"))
    parts += [
        rect(src[0] - 40, src[1] - 26, 80, 52, fill="#fff7ed", stroke=RED, stroke_width=3),
        text(src[0], src[1] + 5, "CORVANE", size=12, anchor="middle", weight="bold", fill=RED),
        circle(src[0], src[1] - 36, 7, fill=RED, stroke="#ffffff", stroke_width=2),
        site(760, 250, "Tollgate Leisure Centre (rest centre, 2,310)", BLUE, "R", dx=-16, anchor="end"),
        text(640, 180, "TOLLGATE", size=18, weight="bold", fill="#57534e"),
        text(120, 220, "SALTREACH", size=18, weight="bold", fill="#57534e"),
        arrow(1000, 560, 1100, 476, color=INK, width=5, head=18),
        text(1010, 590, "Wind SW 35 km/h", size=15, weight="bold"),
        title_bar(W, "Plume model: Corvane ammonia release, run of 07:30 Friday", "National Toxicology Service · continuous release from tank C-3 assumed for six hours"),
        legend(
            20, 80,
            [
                (swatch_fill(RED, 0.5), "Above 160 ppm possible"),
                (swatch_fill(AMBER, 0.4), "30 to 160 ppm"),
                (swatch_dot(BLUE), "Rest centre"),
            ],
            width=220, title="Modelled outdoor levels",
        ),
        north_arrow(1150, 110),
    ]
    return document(W, H, "Plume model for the Corvane ammonia release", "".join(parts))


MAPS = {
    "map-vesk-delta.svg": map_vesk_delta,
    "map-surge-forecast.svg": map_surge_forecast,
    "map-kettleholm-flood-extent.svg": map_kettleholm_flood_extent,
    "map-evacuation-routes.svg": map_evacuation_routes,
    "map-port-berths.svg": map_port_berths,
    "map-ammonia-plume.svg": map_ammonia_plume,
}
