"""Flat illustrations of the crisis: the barrier, the flooded town, the port, the hospital,
the rest centre, the press conference, the barge operation and a shop queue."""

from __future__ import annotations

import random

from svg import (
    INK, MONO, NIGHT_BOTTOM, NIGHT_TOP, RED, circle, document, ellipse, group,
    line, linear_gradient, path, person, polygon, radial_gradient, rain, rect, text, waves,
)

W, H = 1200, 675


def night_sky(gid="sky") -> str:
    return linear_gradient(gid, [(0, NIGHT_TOP, None), (1, NIGHT_BOTTOM, None)])


def day_sky(gid="sky") -> str:
    return linear_gradient(gid, [(0, "#9aa8b6", None), (1, "#cfd6dc", None)])


def glow_def(gid="glow", color="#fde68a") -> str:
    return radial_gradient(gid, [(0, color, 0.9), (0.4, color, 0.35), (1, color, 0)])


def camera_hud(label: str, rng_time: str) -> str:
    """CCTV-style overlay: timestamp, camera name, REC dot, corner brackets."""
    parts = [
        text(28, 44, label, size=18, fill="#e5e7eb", family=MONO, weight="bold"),
        text(28, 68, rng_time, size=16, fill="#e5e7eb", family=MONO),
        circle(W - 96, 38, 8, fill=RED),
        text(W - 80, 44, "REC", size=16, fill="#e5e7eb", family=MONO, weight="bold"),
    ]
    for x, y, dx, dy in ((16, 16, 1, 1), (W - 16, 16, -1, 1), (16, H - 40, 1, -1), (W - 16, H - 40, -1, -1)):
        parts.append(path(f"M{x},{y + dy * 36} L{x},{y} L{x + dx * 36},{y}", stroke="#e5e7eb", stroke_width=3))
    return group(*parts, opacity=0.9)


def barrier(raised_gate: int = 3, water_y: float = 440, jam: bool = False) -> str:
    """The Dunmarrow barrier in elevation: seven piers, six gate leaves."""
    piers = [60 + i * 180 for i in range(7)]
    parts = []
    for g in range(6):
        x0, x1 = piers[g] + 56, piers[g + 1]
        if g + 1 == raised_gate:
            top = 250 if not jam else 300
            parts.append(rect(x0, top, x1 - x0, 62, fill="#475569", stroke="#1e293b", stroke_width=2))
            for k in range(1, 5):
                parts.append(line(x0 + k * (x1 - x0) / 5, top, x0 + k * (x1 - x0) / 5, top + 62, stroke="#334155", stroke_width=2))
            # The flood tide pouring through the open gap.
            parts.append(rect(x0, water_y - 26, x1 - x0, 40, fill="#e0f2fe", opacity=0.55))
            for k in range(9):
                parts.append(ellipse(x0 + 10 + k * (x1 - x0 - 20) / 8, water_y - 14, 16, 9, fill="#ffffff", opacity=0.6))
        else:
            parts.append(rect(x0, water_y - 48, x1 - x0, 58, fill="#334155", stroke="#1e293b", stroke_width=2))
            parts.append(line(x0, water_y - 40, x1, water_y - 40, stroke="#64748b", stroke_width=2))
    for i, x in enumerate(piers):
        parts.append(rect(x, 230, 56, 300, fill="#94a3b8"))
        parts.append(rect(x, 230, 12, 300, fill="#cbd5e1"))
        parts.append(path(f"M{x - 10},232 Q{x + 28},150 {x + 66},232 Z", fill="#cbd5e1", stroke="#64748b", stroke_width=2))
        parts.append(circle(x + 28, 210, 5, fill="#fde68a"))
        parts.append(circle(x + 28, 210, 60, fill="url(#glow)"))
    for g in range(6):
        cx = (piers[g] + 56 + piers[g + 1]) / 2
        parts.append(text(cx, 222, f"GATE {g + 1}", size=15, fill="#cbd5e1", anchor="middle", family=MONO, weight="bold"))
    return group(*parts)


def scene_barrier_night() -> str:
    rng = random.Random(3)
    body = [
        rect(0, 0, W, H, fill="url(#sky)"),
        path("M0,330 L160,318 L300,326 L480,312 L700,322 L900,310 L1200,324 L1200,360 L0,360 Z", fill="#0f172a"),
        "".join(circle(rng.uniform(0, W), rng.uniform(318, 340), 1.6, fill="#fde68a", opacity=0.7) for _ in range(20)),
        rect(0, 420, W, 255, fill="#1e3a5f"),
        waves(rng, 0, W, 430, 675, rows=10, opacity=0.22, amp=6),
        barrier(raised_gate=3),
        rect(0, 470, W, 205, fill="#1e3a5f", opacity=0.55),
        waves(rng, 0, W, 480, 675, rows=7, opacity=0.3, amp=7),
        rain(rng, W, H, count=260, opacity=0.35),
        rect(0, 0, W, H, fill="url(#vignette)"),
        camera_hud("NWB DUNMARROW  CAM 3B", "15-11  00:41:12"),
    ]
    defs = night_sky() + glow_def() + radial_gradient("vignette", [(0.55, "#000000", 0), (1, "#000000", 0.6)])
    return document(W, H, "CCTV still of the Dunmarrow Barrier at night with Gate 3 raised", "".join(body), defs=defs, dark_mark=True)


def terrace(x0: float, base_y: float, count: int, rng: random.Random, lit: bool, width=150, height=230) -> str:
    """A row of two-storey terraced houses standing on `base_y`."""
    colours = ["#b45309", "#9a3412", "#78716c", "#a16207", "#7c2d12", "#57534e"]
    parts = []
    for i in range(count):
        x = x0 + i * width
        c = colours[rng.randrange(len(colours))]
        parts.append(rect(x, base_y - height, width, height, fill=c))
        parts.append(polygon([(x - 4, base_y - height), (x + width / 2, base_y - height - 56), (x + width + 4, base_y - height)], fill="#3f3f46"))
        parts.append(rect(x + width * 0.68, base_y - height - 70, 18, 34, fill="#52525b"))
        win = "#fde68a" if lit and rng.random() < 0.6 else "#1f2937"
        for wx in (x + 22, x + 86):
            parts.append(rect(wx, base_y - height + 34, 42, 52, fill=win if lit else "#cbd5e1", stroke="#f5f5f4", stroke_width=3))
        parts.append(rect(x + 22, base_y - 110, 42, 56, fill="#cbd5e1" if not lit else "#1f2937", stroke="#f5f5f4", stroke_width=3))
        parts.append(rect(x + 92, base_y - 110, 36, 110, fill="#1e293b" if lit else "#1e3a8a"))
    return group(*parts)


def scene_sea_wall_overtopping() -> str:
    rng = random.Random(5)
    spray = "".join(
        circle(rng.gauss(360, 150), rng.gauss(330, 80), rng.uniform(8, 34), fill="#e0f2fe", opacity=round(rng.uniform(0.15, 0.5), 2))
        for _ in range(140)
    )
    body = [
        rect(0, 0, W, H, fill="url(#sky)"),
        terrace(620, 560, 4, rng, lit=True),
        rect(1080, 360, 10, 200, fill="#52525b"), circle(1085, 356, 10, fill="#fde68a"), circle(1085, 356, 70, fill="url(#glow)"),
        # The wave breaking over the wall.
        path("M0,420 C120,300 260,250 380,270 C470,285 520,340 560,420 L560,520 L0,520 Z", fill="#1e3a5f"),
        path("M120,330 C220,250 360,240 440,300 C400,280 320,290 260,330 Z", fill="#e0f2fe", opacity=0.7),
        spray,
        rect(0, 500, 600, 70, fill="#78716c"),
        rect(0, 500, 600, 10, fill="#a8a29e"),
        text(300, 545, "KETTLEHOLM SEA WALL", size=16, fill="#e7e5e4", anchor="middle", weight="bold", letter_spacing=3),
        path("M0,570 L1200,560 L1200,675 L0,675 Z", fill="#334155"),
        path("M0,575 C200,590 400,565 600,585 C800,600 1000,580 1200,596 L1200,675 L0,675 Z", fill="#1e3a5f", opacity=0.85),
        waves(rng, 0, W, 590, 675, rows=5, opacity=0.35, amp=5),
        rain(rng, W, H, count=240, opacity=0.4),
        text(1160, 40, "Harbour Row, Kettleholm, 00:18", size=15, fill="#e5e7eb", anchor="end", weight="bold"),
    ]
    return document(W, H, "Waves breaking over the Kettleholm sea wall at night", "".join(body), defs=night_sky() + glow_def(), dark_mark=True)


def rescue_boat(x, y) -> str:
    return group(
        path(f"M{x},{y} L{x + 220},{y} Q{x + 250},{y} {x + 240},{y + 26} L{x + 10},{y + 26} Q{x - 14},{y + 14} {x},{y} Z", fill="#ea580c"),
        rect(x + 10, y + 8, 220, 6, fill="#9a3412"),
        person(x + 60, y + 4, h=70, fill="#1e293b", head="#facc15"),
        person(x + 120, y + 4, h=66, fill="#1e293b", head="#facc15"),
        person(x + 180, y + 4, h=62, fill="#475569", head="#e7e5e4"),
        rect(x + 196, y - 30, 8, 34, fill="#111827"),
        text(x + 110, y + 22, "DFR RESCUE 4", size=11, fill="#ffffff", anchor="middle", weight="bold"),
    )


def scene_kettleholm_flooded_street() -> str:
    rng = random.Random(8)
    debris = "".join(
        rect(rng.uniform(40, 1150), rng.uniform(520, 650), rng.uniform(14, 40), rng.uniform(6, 12), fill=rng.choice(["#57534e", "#a16207", "#1f2937", "#15803d"]), opacity=0.8, transform=f"rotate({rng.randint(-25, 25)} 600 600)")
        for _ in range(14)
    )
    body = [
        rect(0, 0, W, H, fill="url(#sky)"),
        path("M0,160 C200,120 420,170 620,130 C820,100 1000,150 1200,120 L1200,0 L0,0 Z", fill="#8d99a6", opacity=0.6),
        terrace(0, 520, 8, rng, lit=False),
        # Tide-line left by the peak of the flood.
        path("M0,432 L1200,428", stroke="#7c5a2b", stroke_width=5, opacity=0.8),
        rect(0, 470, W, 205, fill="#8b7d5b"),
        rect(0, 470, W, 205, fill="#6b7f8e", opacity=0.55),
        waves(rng, 0, W, 480, 675, rows=8, color="#e7e5e4", opacity=0.25, amp=3),
        debris,
        rescue_boat(470, 560),
        text(24, 40, "Harbour Row, Kettleholm, 06:40 Friday", size=16, fill=INK, weight="bold"),
    ]
    return document(W, H, "Flooded terrace of houses in Kettleholm with a rescue boat", "".join(body), defs=day_sky())


def lng_carrier(x, y, name="MERIDIAN SAGA") -> str:
    parts = [
        path(f"M{x},{y} L{x + 760},{y} L{x + 720},{y + 90} L{x + 30},{y + 90} Z", fill="#1e293b"),
        rect(x + 30, y + 62, 690, 28, fill="#991b1b"),
        rect(x + 620, y - 90, 110, 90, fill="#f8fafc"),
        rect(x + 640, y - 120, 60, 30, fill="#e2e8f0"),
        rect(x + 660, y - 150, 14, 30, fill="#475569"),
        text(x + 90, y + 36, name, size=22, fill="#f8fafc", weight="bold", letter_spacing=2),
    ]
    for i in range(4):
        cx = x + 110 + i * 135
        parts.append(rect(cx - 60, y - 20, 120, 20, fill="#cbd5e1"))
        parts.append(path(f"M{cx - 62},{y - 18} A62,62 0 0 1 {cx + 62},{y - 18} Z", fill="#e2e8f0", stroke="#94a3b8", stroke_width=2))
    return group(*parts)


def scene_lng_carrier_berth() -> str:
    rng = random.Random(11)
    body = [
        rect(0, 0, W, H, fill="url(#sky)"),
        path("M0,300 L1200,290 L1200,340 L0,350 Z", fill="#0f172a"),
        # Flare stack on the shore with its flame.
        rect(1080, 150, 14, 170, fill="#475569"),
        path("M1087,150 C1060,120 1080,90 1087,60 C1096,90 1116,120 1087,150 Z", fill="#f97316"),
        path("M1087,148 C1076,130 1084,112 1087,96 C1092,112 1100,130 1087,148 Z", fill="#fde68a"),
        circle(1087, 110, 90, fill="url(#glow)"),
        rect(0, 420, W, 255, fill="#1e3a5f"),
        lng_carrier(120, 380),
        # Jetty and loading arms.
        rect(880, 330, 300, 24, fill="#57534e"),
        rect(900, 354, 16, 120, fill="#57534e"), rect(1100, 354, 16, 120, fill="#57534e"),
        path("M960,330 L960,240 L880,300 L860,370", stroke="#f59e0b", stroke_width=10, stroke_linejoin="round"),
        path("M1030,330 L1030,230 L940,290 L900,370", stroke="#f59e0b", stroke_width=10, stroke_linejoin="round"),
        # A tug at the bow.
        path("M40,470 L190,470 L175,505 L55,505 Z", fill="#b91c1c"),
        rect(90, 440, 50, 30, fill="#f8fafc"), rect(105, 420, 12, 20, fill="#111827"),
        waves(rng, 0, W, 470, 675, rows=9, opacity=0.3, amp=7),
        rain(rng, W, H, count=220, opacity=0.35),
        text(24, 40, "Berth 4, Solmere Gas Terminal, 22:40 Thursday", size=16, fill="#e5e7eb", weight="bold"),
    ]
    return document(W, H, "LNG carrier alongside the Solmere terminal jetty in a storm", "".join(body), defs=night_sky() + glow_def("glow", "#fdba74"), dark_mark=True)


def tank(cx, cy, r, fill="#e5e7eb", label="", label_fill=INK) -> str:
    """A storage tank seen obliquely from above: roof ellipse and a band of wall."""
    return group(
        path(f"M{cx - r},{cy} L{cx - r},{cy + r * 0.45} A{r},{r * 0.42} 0 0 0 {cx + r},{cy + r * 0.45} L{cx + r},{cy} Z", fill="#94a3b8"),
        ellipse(cx, cy, r, r * 0.42, fill=fill, stroke="#64748b", stroke_width=2),
        text(cx, cy + 5, label, size=15, anchor="middle", weight="bold", fill=label_fill) if label else "",
    )


def scene_ammonia_vent() -> str:
    rng = random.Random(13)
    plume = "".join(
        ellipse(590 + k * 58 + rng.uniform(-10, 10), 312 - k * 30 + rng.uniform(-8, 8), 30 + k * 16, 16 + k * 9, fill="#f8fafc", opacity=round(0.6 - k * 0.045, 2))
        for k in range(11)
    )
    body = [
        rect(0, 0, W, H, fill="#7c6f55"),
        rect(0, 0, W, H, fill="#64748b", opacity=0.35),
        waves(rng, 0, W, 0, H, rows=18, color="#e7e5e4", opacity=0.15, amp=2),
        # Bund wall, partly under water.
        polygon([(160, 200), (1000, 170), (1080, 560), (120, 600)], stroke="#d6d3d1", stroke_width=10, stroke_dasharray="60 22"),
        tank(360, 300, 110, label="C-1"),
        tank(720, 280, 110, label="C-2"),
        tank(520, 450, 100, fill="#fecaca", label="C-3", label_fill=RED),
        rect(566, 330, 16, 90, fill="#9ca3af"),
        plume,
        # Compressor house and the generator stuck at the gate.
        rect(760, 440, 120, 70, fill="#a8a29e"), text(820, 482, "compressors", size=13, anchor="middle"),
        rect(140, 600, 70, 40, fill="#facc15", stroke="#713f12", stroke_width=2),
        circle(175, 620, 56, stroke=RED, stroke_width=5),
        text(240, 660, "generator at main gate", size=14, fill="#ffffff", weight="bold"),
        # Drone HUD.
        text(24, 36, "DFR UAV-2   09:02:17   ALT 120 m   HDG 225", size=16, fill="#f8fafc", family=MONO, weight="bold"),
        text(24, 60, "CORVANE CHEMICAL TERMINAL · NH3 DETECTOR 190 ppm", size=14, fill="#fde68a", family=MONO),
        line(W / 2 - 30, H / 2, W / 2 + 30, H / 2, stroke="#f8fafc", stroke_width=2),
        line(W / 2, H / 2 - 30, W / 2, H / 2 + 30, stroke="#f8fafc", stroke_width=2),
    ]
    return document(W, H, "Drone image of ammonia vapour venting from a flooded tank farm", "".join(body), dark_mark=True)


def ambulance(x, y) -> str:
    return group(
        rect(x, y, 170, 80, fill="#f8fafc", rx=6),
        path(f"M{x + 170},{y + 20} L{x + 215},{y + 30} L{x + 220},{y + 80} L{x + 170},{y + 80} Z", fill="#f1f5f9"),
        rect(x + 178, y + 30, 30, 20, fill="#1e293b"),
        rect(x, y + 44, 220, 12, fill="#16a34a"),
        rect(x + 10, y + 44, 30, 12, fill="#facc15"), rect(x + 70, y + 44, 30, 12, fill="#facc15"), rect(x + 130, y + 44, 30, 12, fill="#facc15"),
        circle(x + 40, y + 84, 16, fill="#111827"), circle(x + 180, y + 84, 16, fill="#111827"),
        rect(x + 60, y - 10, 50, 10, fill="#3b82f6"),
        circle(x + 85, y - 6, 60, fill="url(#blue)"),
        text(x + 85, y + 30, "AMBULANCE", size=14, weight="bold", anchor="middle", fill="#16a34a"),
    )


def scene_hospital_evacuation() -> str:
    rng = random.Random(17)
    windows = []
    for row in range(4):
        for col in range(12):
            lit = rng.random() < 0.12
            windows.append(rect(190 + col * 70, 120 + row * 70, 40, 40, fill="#fde68a" if lit else "#0f172a"))
    body = [
        rect(0, 0, W, H, fill="url(#sky)"),
        rect(160, 80, 880, 330, fill="#64748b"),
        rect(160, 80, 880, 20, fill="#475569"),
        "".join(windows),
        rect(500, 330, 200, 80, fill="#1f2937"),
        rect(470, 300, 260, 30, fill="#334155"),
        text(600, 322, "KETTLEHOLM GENERAL HOSPITAL", size=15, fill="#e5e7eb", anchor="middle", weight="bold"),
        rect(0, 410, W, 265, fill="#1e3a5f"),
        waves(rng, 0, W, 420, 675, rows=8, opacity=0.25, amp=4),
        ambulance(60, 430), ambulance(900, 440),
        # Staff carrying a stretcher through shallow water.
        rect(520, 480, 170, 14, fill="#f8fafc"),
        person(520, 540, h=90, fill="#0f766e"), person(690, 540, h=90, fill="#0f766e"),
        person(605, 545, h=86, fill="#b45309", head="#facc15"),
        rect(0, 520, W, 155, fill="#1e3a5f", opacity=0.6),
        rain(rng, W, H, count=200, opacity=0.3),
        text(24, 40, "Kettleholm General Hospital, 02:15 Friday", size=16, fill="#e5e7eb", weight="bold"),
    ]
    defs = night_sky() + radial_gradient("blue", [(0, "#60a5fa", 0.8), (1, "#60a5fa", 0)])
    return document(W, H, "Night evacuation of Kettleholm General Hospital", "".join(body), defs=defs, dark_mark=True)


def camp_bed(x, y, w, h, blanket) -> str:
    return group(
        polygon([(x, y), (x + w, y), (x + w * 1.08, y + h), (x - w * 0.08, y + h)], fill="#475569"),
        polygon([(x + 4, y + 2), (x + w - 4, y + 2), (x + w * 1.05, y + h * 0.8), (x - w * 0.05, y + h * 0.8)], fill=blanket),
    )


def scene_rest_centre() -> str:
    rng = random.Random(19)
    body = [
        rect(0, 0, W, 330, fill="#d6d3d1"),
        rect(0, 330, W, 345, fill="#c2a878"),
        rect(0, 320, W, 10, fill="#78716c"),
        text(600, 60, "TOLLGATE LEISURE CENTRE · REST CENTRE", size=24, anchor="middle", weight="bold", fill="#1e3a8a"),
    ]
    for i in range(5):
        x = 80 + i * 230
        body.append(rect(x, 90, 150, 120, fill="#bfdbfe", stroke="#57534e", stroke_width=4))
        body.append(line(x, 90, x + 150, 210, stroke="#a16207", stroke_width=4, opacity=0.8))
        body.append(line(x + 150, 90, x, 210, stroke="#a16207", stroke_width=4, opacity=0.8))
    body.append(rect(1020, 140, 140, 100, fill="#f8fafc", stroke="#78716c", stroke_width=3))
    body.append(rect(1070, 240, 40, 30, fill="none", stroke="#ea580c", stroke_width=4))
    colours = ["#1d4ed8", "#b91c1c", "#15803d", "#7e22ce", "#a16207", "#0f766e", "#be185d"]
    for row in range(4):
        y = 350 + row * 78
        scale = 0.7 + row * 0.12
        for col in range(8):
            x = 40 + col * 146 + (row % 2) * 30
            body.append(camp_bed(x, y, 110 * scale, 42 * scale, rng.choice(colours)))
            if rng.random() < 0.45:
                body.append(person(x + 40 * scale, y + 10, h=70 * scale, fill=rng.choice(["#374151", "#4b5563", "#1f2937", "#6b7280"])))
    # First-aid post at the back.
    body += [
        rect(40, 230, 160, 90, fill="#f8fafc", stroke="#16a34a", stroke_width=3),
        rect(104, 246, 32, 60, fill="#16a34a"), rect(90, 260, 60, 32, fill="#16a34a"),
        text(120, 340, "FIRST AID", size=14, weight="bold", anchor="middle", fill="#166534"),
    ]
    return document(W, H, "Camp beds in the Tollgate Leisure Centre sports hall", "".join(body))


def marrenland_flag(x, y, w=120, h=80) -> str:
    """The invented flag of Marrenland: navy, white and teal bands with a gold wave."""
    return group(
        rect(x - 1, y - 1, w + 2, h + 2, fill="#f8fafc"),
        rect(x, y, w, h / 3, fill="#1e40af"),
        rect(x, y + h / 3, w, h / 3, fill="#f8fafc"),
        rect(x, y + 2 * h / 3, w, h / 3, fill="#0f766e"),
        path(f"M{x + w * 0.1},{y + h / 2} q{w * 0.1},{-h * 0.18} {w * 0.2},0 t{w * 0.2},0 t{w * 0.2},0 t{w * 0.2},0", stroke="#ca8a04", stroke_width=h * 0.07),
    )


def emblem(cx, cy, r) -> str:
    return group(
        circle(cx, cy, r, fill="#1e3a8a", stroke="#ca8a04", stroke_width=r * 0.08),
        path(f"M{cx - r * 0.6},{cy + r * 0.15} q{r * 0.15},{-r * 0.25} {r * 0.3},0 t{r * 0.3},0 t{r * 0.3},0 t{r * 0.3},0", stroke="#f8fafc", stroke_width=r * 0.1),
        polygon([(cx, cy - r * 0.62), (cx + r * 0.14, cy - r * 0.28), (cx - r * 0.14, cy - r * 0.28)], fill="#ca8a04"),
    )


def scene_press_conference() -> str:
    backdrop = []
    for row in range(5):
        for col in range(4):
            x, y = 150 + col * 260 + (row % 2) * 130, 80 + row * 100
            backdrop.append(emblem(x, y, 22))
            backdrop.append(text(x + 32, y + 6, "GOVERNMENT OF MARRENLAND", size=13, fill="#bfdbfe", weight="bold"))
    flashes = "".join(circle(x, y, 40, fill="url(#flash)") for x, y in ((150, 600), (980, 620), (1100, 560)))
    body = [
        rect(0, 0, W, H, fill="#0f2350"),
        group(*backdrop, opacity=0.4),
        rect(60, 140, 6, 420, fill="#a8a29e"), group(marrenland_flag(66, 140, 140, 94)),
        rect(1134, 140, 6, 420, fill="#a8a29e"), group(marrenland_flag(994, 140, 140, 94)),
        # Speaker behind the podium.
        circle(600, 250, 46, fill="#d6b48c"),
        path("M520,460 L526,330 Q600,290 674,330 L680,460 Z", fill="#111827"),
        polygon([(590, 316), (610, 316), (604, 380), (596, 380)], fill="#7f1d1d"),
        # Podium.
        polygon([(470, 400), (730, 400), (700, 675), (500, 675)], fill="#78350f"),
        rect(470, 392, 260, 16, fill="#92400e"),
        emblem(600, 500, 56),
        line(560, 392, 585, 330, stroke="#111827", stroke_width=4), line(640, 392, 615, 330, stroke="#111827", stroke_width=4),
        circle(585, 326, 7, fill="#111827"), circle(615, 326, 7, fill="#111827"),
        flashes,
        text(24, 40, "Press briefing, Verrin, Friday", size=16, fill="#e5e7eb", weight="bold"),
    ]
    defs = radial_gradient("flash", [(0, "#ffffff", 0.95), (1, "#ffffff", 0)])
    return document(W, H, "Government press briefing with the flag of Marrenland", "".join(body), defs=defs, dark_mark=True)


def tug(x, y, facing=1) -> str:
    hull = group(
        path(f"M{x},{y} L{x + 120},{y} L{x + 105},{y + 32} L{x + 12},{y + 32} Z", fill="#b91c1c"),
        rect(x + 30, y - 30, 50, 30, fill="#f8fafc"), rect(x + 46, y - 52, 12, 22, fill="#111827"),
    )
    if facing < 0:
        hull = group(hull, transform=f"translate({2 * x + 120},0) scale(-1,1)")
    # The name is drawn after any flip so that it always reads left to right.
    return group(hull, text(x + 60, y + 22, "SALTREACH", size=10, fill="#ffffff", anchor="middle", weight="bold"))


def scene_barge_closure() -> str:
    rng = random.Random(23)
    beams = "".join(
        polygon([(x, 150), (x + dx - 60, 675), (x + dx + 60, 675)], fill="#fef9c3", opacity=0.1)
        for x, dx in ((240, 120), (960, -160), (600, 0))
    )
    body = [
        rect(0, 0, W, H, fill="url(#sky)"),
        rect(0, 420, W, 255, fill="#1e3a5f"),
        beams,
        group(barrier(raised_gate=3, jam=True), transform="translate(0,-40)"),
        rect(0, 450, W, 225, fill="#1e3a5f", opacity=0.55),
        # The barge.
        polygon([(300, 520), (760, 520), (740, 580), (320, 580)], fill="#292524"),
        rect(320, 500, 420, 20, fill="#57534e"),
        text(530, 560, "HOLLIN 7", size=22, fill="#fafaf9", anchor="middle", weight="bold", letter_spacing=3),
        line(760, 540, 880, 560, stroke="#e7e5e4", stroke_width=2),
        line(300, 540, 170, 570, stroke="#e7e5e4", stroke_width=2),
        tug(870, 548), tug(60, 560, facing=-1),
        # Engineers on the pier heads.
        rect(386, 402, 110, 10, fill="#a8a29e"), rect(590, 402, 110, 10, fill="#a8a29e"),
        person(404, 402, h=40, fill="#365314", head="#facc15"), person(426, 402, h=40, fill="#365314", head="#facc15"),
        person(664, 402, h=40, fill="#365314", head="#facc15"), person(686, 402, h=40, fill="#365314", head="#facc15"),
        waves(rng, 0, W, 470, 675, rows=8, opacity=0.3, amp=5),
        text(24, 40, "Dunmarrow Barrier, 00:05 Saturday", size=16, fill="#e5e7eb", weight="bold"),
    ]
    return document(W, H, "Tugs towing a barge towards the jammed gate of the Dunmarrow Barrier", "".join(body), defs=night_sky() + glow_def(), dark_mark=True)


def scene_queue_bottled_water() -> str:
    rng = random.Random(29)
    queue = []
    for i in range(16):
        x = 130 + i * 66 + rng.uniform(-8, 8)
        h = rng.uniform(96, 124)
        queue.append(person(x, 600, h=h, fill=rng.choice(["#1e3a8a", "#7f1d1d", "#14532d", "#374151", "#713f12", "#4c1d95", "#0f766e"]), head=rng.choice(["#d6b48c", "#a16207", "#f5d0b5", "#78350f"])))
    body = [
        rect(0, 0, W, H, fill="url(#sky)"),
        rect(0, 120, W, 440, fill="#e7e5e4"),
        rect(0, 120, W, 80, fill="#15803d"),
        text(600, 176, "VANDEL'S MARKET", size=42, fill="#f8fafc", anchor="middle", weight="bold", letter_spacing=4),
        rect(60, 230, 420, 290, fill="#bae6fd", stroke="#57534e", stroke_width=6),
        rect(720, 230, 420, 290, fill="#bae6fd", stroke="#57534e", stroke_width=6),
        rect(520, 250, 160, 310, fill="#334155"),
        rect(130, 260, 280, 170, fill="#fef08a", stroke="#a16207", stroke_width=3),
        text(270, 310, "BOTTLED WATER", size=26, anchor="middle", weight="bold", fill="#7f1d1d"),
        text(270, 350, "MAX 2 PACKS", size=26, anchor="middle", weight="bold", fill="#7f1d1d"),
        text(270, 390, "PER CUSTOMER", size=22, anchor="middle", fill="#7f1d1d"),
        rect(790, 270, 280, 120, fill="#f8fafc", stroke="#dc2626", stroke_width=3),
        text(930, 325, "SOLD OUT", size=34, anchor="middle", weight="bold", fill=RED),
        text(930, 362, "next delivery: unknown", size=16, anchor="middle", fill=INK),
        rect(0, 560, W, 115, fill="#a8a29e"),
        "".join(queue),
        text(24, 40, "Tollgate, 10:20 Friday", size=16, fill=INK, weight="bold"),
    ]
    return document(W, H, "Queue outside a supermarket with bottled water sold out", "".join(body), defs=day_sky())


SCENES = {
    "scene-barrier-night.svg": scene_barrier_night,
    "scene-sea-wall-overtopping.svg": scene_sea_wall_overtopping,
    "scene-kettleholm-flooded-street.svg": scene_kettleholm_flooded_street,
    "scene-lng-carrier-berth.svg": scene_lng_carrier_berth,
    "scene-ammonia-vent.svg": scene_ammonia_vent,
    "scene-hospital-evacuation.svg": scene_hospital_evacuation,
    "scene-rest-centre.svg": scene_rest_centre,
    "scene-press-conference.svg": scene_press_conference,
    "scene-barge-closure.svg": scene_barge_closure,
    "scene-queue-bottled-water.svg": scene_queue_bottled_water,
}


