"""Documents and screens: the leaked memo, the fake text message, the altered e-mail, the
barrier control screen, the maritime patrol image, and the social and official cards."""

from __future__ import annotations

import math
import random

from svg import (
    AMBER, BLUE, GREEN, INK, MONO, MUTED, RED, SERIF, circle, document, ellipse, group,
    line, linear_gradient, path, polygon, rect, text, text_block,
)

W, H = 1200, 675


# ---------------------------------------------------------------- documents

def doc_leaked_memo() -> str:
    w, h = 900, 1160
    paras = [
        "1. The TideLink supervisory system that controls the six gates at Dunmarrow was installed in 2003. Its operating system and display software are no longer supported by their makers and can no longer receive security updates.",
        "2. Remote support is provided by Tessarine Automation over a VPN using shared accounts. In its present form the system is not defensible against a determined attacker, and a fault on the operator station could show the control room a false picture of the gates.",
        "3. I recommend full replacement of TideLink, with separate remote access and an independent local override for each gate, at an estimated cost of 38 million marks over three years.",
        "4. Until replacement, the risk can be reduced by ending shared remote accounts and by training crews to operate every gate from its local panel in all weathers.",
    ]
    parts = [
        rect(0, 0, w, h, fill="#d6d3d1"),
        polygon([(40, 30), (870, 14), (884, 1130), (30, 1140)], fill="#fdfcf7", stroke="#a8a29e"),
        text(90, 110, "NATIONAL WATERWAYS BOARD", size=26, weight="bold", family=SERIF, fill="#1e3a5f"),
        text(90, 140, "Internal memorandum", size=18, family=SERIF, fill=MUTED),
        rect(600, 70, 220, 50, fill="none", stroke=RED, stroke_width=4, transform="rotate(-6 710 95)"),
        text(710, 104, "RESTRICTED", size=28, weight="bold", fill=RED, anchor="middle", family=MONO, transform="rotate(-6 710 95)", opacity=0.85),
        line(90, 165, 820, 160, stroke="#1e3a5f", stroke_width=2),
    ]
    fields = [("To", "Director of Operations"), ("Copy", ""), ("From", "Head of Control Systems, Dunmarrow"), ("Ref", "NWB/CS/114"), ("Date", "3 March"), ("Subject", "TideLink control system at Dunmarrow: end of life")]
    y = 205
    for k, v in fields:
        parts.append(text(90, y, f"{k}:", size=17, weight="bold", family=SERIF))
        if v:
            parts.append(text(190, y, v, size=17, family=SERIF))
        else:
            parts.append(rect(190, y - 15, 300, 20, fill="#111827"))
        y += 30
    y += 20
    for p in paras:
        block, y = text_block(90, y, p, 720, size=17, family=SERIF, leading=1.5, factor=0.45)
        parts.append(block)
        y += 18
    parts += [
        text(90, y + 30, "Katrin Weller", size=20, family="cursive", fill="#1e3a5f"),
        text(90, y + 56, "Head of Control Systems", size=16, family=SERIF),
        rect(90, y + 80, 380, 18, fill="#111827"),
        # The handwritten note.
        text(480, y + 150, "Defer to next", size=30, family="cursive", fill="#b91c1c", transform=f"rotate(-8 480 {y + 150})"),
        text(500, y + 192, "spending review.", size=30, family="cursive", fill="#b91c1c", transform=f"rotate(-8 500 {y + 192})"),
        text(640, y + 230, "(Dir. Ops)", size=22, family="cursive", fill="#b91c1c", transform=f"rotate(-8 640 {y + 230})"),
        rect(0, h - 60, w, 60, fill="#111827"),
        text(24, h - 24, "Document obtained by The Verrin Ledger. Redactions by the Ledger.", size=16, fill="#e5e7eb"),
    ]
    return document(w, h, "Leaked National Waterways Board memo with a handwritten note", "".join(parts), dark_mark=True)


def doc_fake_sms_screenshot() -> str:
    w, h = 600, 1000
    msg = "URGENT: Tap water in Saltreach & Kettleholm is CONTAMINATED with ammonia from the Corvane leak. DO NOT DRINK OR BOIL IT. Use bottled water only. Forward to your family now. - Vesk Water"
    block, end_y = text_block(70, 260, msg, 400, size=21, fill="#111827", leading=1.4)
    parts = [
        rect(0, 0, w, h, fill="#cbd5e1"),
        rect(30, 20, 540, 960, fill="#111827", rx=56),
        rect(46, 40, 508, 920, fill="#f8fafc", rx=42),
        rect(230, 52, 140, 26, fill="#111827", rx=13),
        text(80, 110, "09:14", size=18, weight="bold"),
        text(520, 110, "4G  61%", size=16, anchor="end"),
        rect(46, 128, 508, 84, fill="#e5e7eb"),
        circle(104, 170, 26, fill="#9ca3af"), text(104, 178, "VW", size=18, fill="#ffffff", anchor="middle", weight="bold"),
        text(146, 164, "VESK-WATER", size=22, weight="bold"),
        text(146, 190, "Text message · Today 09:02", size=15, fill=MUTED),
        rect(58, 228, 440, end_y - 228 + 10, fill="#e5e7eb", rx=22),
        block,
        text(70, end_y + 34, "Forwarded 4 times", size=14, fill=MUTED),
        rect(190, end_y + 60, 350, 58, fill=BLUE, rx=22),
        text(210, end_y + 96, "Mum is this real?? Do we need to", size=18, fill="#ffffff"),
        rect(300, end_y + 126, 240, 58, fill=BLUE, rx=22),
        text(320, end_y + 162, "buy water for the baby?", size=18, fill="#ffffff"),
        rect(70, 880, 460, 48, fill="#e5e7eb", rx=24),
        text(96, 911, "Text message", size=17, fill=MUTED),
    ]
    return document(w, h, "Phone screenshot of a fake text message about tap water", "".join(parts))


def email_panel(x, y, w, heading, heading_color, date, first_line, third_line, highlight, note) -> str:
    parts = [
        rect(x, y, w, 560, fill="#ffffff", stroke="#d1d5db", rx=8),
        rect(x, y, w, 44, fill=heading_color, rx=8),
        rect(x, y + 30, w, 14, fill=heading_color),
        text(x + 16, y + 29, heading, size=17, fill="#ffffff", weight="bold"),
    ]
    rows = [("From", "Jonas Felt <ncc.duty@ccd.gov.mrl>"), ("To", "NCC Watch Team"), ("Date", date), ("Subject", "Dunmarrow Gate 3 alarm")]
    yy = y + 80
    for k, v in rows:
        parts.append(text(x + 16, yy, f"{k}:", size=15, weight="bold"))
        if k == "Date" and highlight:
            parts.append(rect(x + 90, yy - 17, 190, 23, fill="#fde047"))
        parts.append(text(x + 90, yy, v, size=15))
        yy += 28
    parts.append(line(x + 16, yy - 8, x + w - 16, yy - 8, stroke="#e5e7eb"))
    body_lines = [
        first_line,
        "Gate 3 not responding to close.",
        "NWB trying the local panel.",
        third_line,
        "",
        "Jonas",
    ]
    yy += 24
    for i, ln in enumerate(body_lines):
        if highlight and i in (0, 3):
            parts.append(rect(x + 14, yy - 19, min(w - 28, len(ln) * 9.4 + 6), 26, fill="#fde047"))
        parts.append(text(x + 16, yy, ln, size=17))
        yy += 32
    nb, _ = text_block(x + 16, y + 500, note, w - 32, size=14, fill=heading_color, weight="bold")
    parts.append(nb)
    return group(*parts)


def doc_forged_email() -> str:
    w, h = 1200, 760
    parts = [
        rect(0, 0, w, h, fill="#f3f4f6"),
        text(40, 54, "CCD files, e-mail #17: published version against the server copy", size=24, weight="bold"),
        text(40, 82, "Prepared by the Joint Assessment Cell · personal details removed", size=15, fill=MUTED),
        email_panel(40, 110, 540, "As published by LOWTIDE", RED, "Thu 14 Nov 19:04", "First alarm from Dunmarrow at 19:00.",
                    "Keep it quiet until after the tide.", True,
                    "Header timestamps and signature do not match the text. Two changes, highlighted."),
        email_panel(620, 110, 540, "Copy on the CCD mail server", GREEN, "Thu 14 Nov 23:21", "First alarm from Dunmarrow at 23:15.",
                    "Hold public lines until we know more.", False,
                    "Original: signature verified. Shows a real decision to hold public messaging."),
    ]
    return document(w, h, "Side-by-side comparison of an altered e-mail and the original", "".join(parts))


def doc_hmi_screenshot() -> str:
    bg, panel, txt = "#1f2937", "#111827", "#e5e7eb"
    parts = [
        rect(0, 0, W, H, fill=bg),
        rect(0, 0, W, 44, fill="#0b1220"),
        text(16, 29, "TideLink 4.2  |  DUNMARROW TIDAL BARRIER  |  OVERVIEW", size=17, fill=txt, family=MONO, weight="bold"),
        text(W - 16, 29, "14-11  23:58:14", size=17, fill=txt, family=MONO, anchor="end"),
        rect(0, 44, W, 34, fill=AMBER),
        text(16, 67, "REMOTE SUPPORT SESSION ACTIVE   user: tsupport2 (Tessarine)   since 19:52", size=16, fill="#111827", family=MONO, weight="bold"),
        rect(20, 96, 760, 300, fill=panel, rx=6),
        text(36, 124, "GATE STATUS", size=15, fill="#9ca3af", family=MONO, weight="bold"),
        rect(36, 300, 728, 60, fill="#1e3a5f"),
        text(40, 386, "SEAWARD  3.58 m SD", size=14, fill="#93c5fd", family=MONO),
        text(760, 386, "LANDWARD  1.92 m SD", size=14, fill="#93c5fd", family=MONO, anchor="end"),
    ]
    for i in range(7):
        parts.append(rect(36 + i * 118, 160, 24, 200, fill="#6b7280"))
    for g in range(6):
        x = 60 + g * 118
        parts.append(rect(x + 4, 250, 86, 60, fill="#16a34a", stroke="#bbf7d0", stroke_width=2))
        parts.append(text(x + 47, 286, "CLOSED", size=14, fill="#ffffff", family=MONO, weight="bold", anchor="middle"))
        parts.append(text(x + 47, 150, f"G{g + 1}", size=16, fill=txt, family=MONO, anchor="middle", weight="bold"))
    # Table of gates.
    parts += [
        rect(800, 96, 380, 300, fill=panel, rx=6),
        text(816, 124, "GATE  POSITION  HYD.    MODE", size=15, fill="#9ca3af", family=MONO, weight="bold"),
    ]
    for g, bar in enumerate([181, 183, 182, 180, 184, 182]):
        y = 156 + g * 36
        parts.append(text(816, y, f" G{g + 1}   CLOSED   {bar} bar  AUTO", size=16, fill="#86efac", family=MONO))
    parts += [
        rect(20, 412, 1160, 230, fill=panel, rx=6),
        text(36, 440, "ACTIVE ALARMS", size=15, fill="#9ca3af", family=MONO, weight="bold"),
        text(36, 480, "No active alarms.", size=18, fill="#86efac", family=MONO),
        text(36, 530, "EVENT LOG", size=15, fill="#9ca3af", family=MONO, weight="bold"),
        text(36, 560, "22:01:12  CLOSE SEQUENCE START  (operator: dunm-ctl1)", size=15, fill=txt, family=MONO),
        text(36, 586, "22:31:40  G1 G2 G4 G5 G6 CLOSED", size=15, fill=txt, family=MONO),
        text(36, 612, "22:31:41  G3 CLOSED", size=15, fill=txt, family=MONO),
    ]
    return document(W, H, "Barrier control screen showing all gates closed", "".join(parts), dark_mark=True)


def imagery_orlan_vey() -> str:
    rng = random.Random(47)
    noise = "".join(
        rect(rng.uniform(0, W), rng.uniform(0, H), rng.uniform(2, 6), 1.5, fill="#ffffff", opacity=round(rng.uniform(0.04, 0.16), 2))
        for _ in range(700)
    )
    ship = group(
        path("M300,380 L860,360 L900,392 L870,420 L320,432 Z", fill="#d4d4d4"),
        rect(700, 300, 110, 64, fill="#f5f5f5"),
        rect(730, 250, 40, 50, fill="#e5e5e5"),
        line(560, 372, 560, 250, stroke="#f5f5f5", stroke_width=6),
        line(530, 262, 590, 262, stroke="#f5f5f5", stroke_width=4),
        line(540, 246, 580, 278, stroke="#f5f5f5", stroke_width=3),
        rect(310, 330, 60, 50, fill="none", stroke="#f5f5f5", stroke_width=6),
        ellipse(250, 420, 40, 9, fill="#ffffff", opacity=0.9),
        line(300, 400, 250, 420, stroke="#e5e5e5", stroke_width=2),
        path("M560,448 L660,444 L650,466 L570,468 Z", fill="#ffffff"),
        ellipse(930, 400, 70, 10, fill="#ffffff", opacity=0.3),
    )

    def note(x, y, tx, ty, label):
        return group(
            rect(x - 40, y - 32, 80, 64, stroke="#facc15", stroke_width=2),
            line(x, y - 32 if ty < y else y + 32, tx, ty, stroke="#facc15", stroke_width=2),
            rect(tx - 6, ty - 22 if ty < y else ty, len(label) * 9 + 12, 26, fill="#000000", opacity=0.7),
            text(tx, ty - 4 if ty < y else ty + 18, label, size=16, fill="#facc15", family=MONO, weight="bold"),
        )

    body = [
        rect(0, 0, W, H, fill="url(#ir)"),
        noise,
        ship,
        note(270, 400, 120, 200, "TOWED BODY ON STERN GANTRY"),
        note(610, 455, 620, 560, "FAST BOAT ALONGSIDE"),
        note(560, 262, 640, 150, "ANTENNA ARRAY, FOREMAST"),
        line(W / 2 - 40, H / 2, W / 2 - 10, H / 2, stroke="#ffffff", stroke_width=2),
        line(W / 2 + 10, H / 2, W / 2 + 40, H / 2, stroke="#ffffff", stroke_width=2),
        line(W / 2, H / 2 - 40, W / 2, H / 2 - 10, stroke="#ffffff", stroke_width=2),
        line(W / 2, H / 2 + 10, W / 2, H / 2 + 40, stroke="#ffffff", stroke_width=2),
        text(20, 32, "OSPREY 2   IR WHT-HOT   FOV NARROW   15-11 22:14:07", size=17, fill="#ffffff", family=MONO, weight="bold"),
        text(20, 56, "TGT: ORLAN VEY   6.1 NM SW VELLIS PT   AIS: OFF", size=17, fill="#ffffff", family=MONO),
        text(W - 20, H - 40, "SECRET // EXERCISE", size=16, fill="#fca5a5", family=MONO, anchor="end", weight="bold"),
    ]
    defs = linear_gradient("ir", [(0, "#262626", None), (1, "#404040", None)])
    return document(W, H, "Infrared image of a research vessel with analyst annotations", "".join(body), defs=defs, dark_mark=True)


# ---------------------------------------------------------------- cards

def card_lowtide_claim() -> str:
    waves_mark = "".join(
        path(f"M440,{150 + k * 26} q40,-22 80,0 t80,0 t80,0 t80,0", stroke="#22d3ee", stroke_width=8, stroke_linecap="round", opacity=1 - k * 0.25)
        for k in range(3)
    )
    body = [
        rect(0, 0, W, H, fill="#050505"),
        "".join(rect(0, y, W, 2, fill="#ffffff", opacity=0.03) for y in range(0, H, 6)),
        waves_mark,
        text(606, 370, "LOWTIDE", size=150, weight="900", anchor="middle", fill="#ef4444", opacity=0.7, letter_spacing=8),
        text(594, 364, "LOWTIDE", size=150, weight="900", anchor="middle", fill="#22d3ee", opacity=0.7, letter_spacing=8),
        text(600, 366, "LOWTIDE", size=150, weight="900", anchor="middle", fill="#f8fafc", letter_spacing=8),
        rect(170, 300, 260, 10, fill="#050505"), rect(720, 334, 200, 8, fill="#050505"),
        text(600, 450, "WE OPENED THE DOOR THE SEA WAS KNOCKING ON.", size=28, anchor="middle", fill="#e5e7eb", weight="bold", letter_spacing=2),
        text(600, 500, "THE SEA DOES NOT LIE. GOVERNMENTS DO.", size=24, anchor="middle", fill="#22d3ee", family=MONO),
        text(600, 600, "channel: lowtide", size=18, anchor="middle", fill="#6b7280", family=MONO),
    ]
    return document(W, H, "Black card with the LOWTIDE logo and slogan", "".join(body), dark_mark=True)


def card_deepfake_audio() -> str:
    rng = random.Random(53)
    bars = []
    for i in range(90):
        hgt = 12 + abs(math.sin(i * 0.37) * 60) * rng.uniform(0.4, 1.0)
        color = "#ef4444" if i < 28 else "#6b7280"
        bars.append(rect(250 + i * 9, 430 - hgt / 2, 5, hgt, fill=color, rx=2))
    body = [
        rect(0, 0, W, H, fill="#111827"),
        rect(60, 50, 1080, 575, fill="#1f2937", rx=18),
        rect(100, 90, 230, 44, fill=RED, rx=8),
        text(215, 120, "LEAKED AUDIO", size=22, weight="bold", fill="#ffffff", anchor="middle", letter_spacing=2),
        text(100, 200, "Interior Minister Dauge on a call last night:", size=26, fill="#d1d5db"),
        text(100, 256, "“Kettleholm is an acceptable loss.", size=40, weight="bold", fill="#f9fafb"),
        text(100, 306, "Keep the inner gates shut and protect the capital.”", size=40, weight="bold", fill="#f9fafb"),
        circle(170, 430, 50, fill=RED),
        polygon([(155, 405), (155, 455), (195, 430)], fill="#ffffff"),
        "".join(bars),
        text(1080, 500, "0:09 / 0:31", size=20, fill="#9ca3af", anchor="end", family=MONO),
        text(100, 570, "@ValkaNorth · #VeskBetrayal #DaugeOut", size=22, fill="#93c5fd"),
    ]
    return document(W, H, "Social media card presenting a fabricated audio clip of a minister", "".join(body), dark_mark=True)


def card_barrier_rumour() -> str:
    piers = "".join(rect(190 + i * 140, 300, 30, 170, fill="#1c1917") for i in range(7))
    gates = "".join(rect(220 + i * 140, 400, 110, 50, fill="#1c1917") for i in range(6) if i != 2)
    body = [
        rect(0, 0, W, H, fill="#7f1d1d"),
        rect(0, 460, W, 215, fill="#450a0a"),
        piers, gates,
        rect(500, 300, 110, 40, fill="#1c1917"),
        path("M520,470 L540,420 L560,470 L580,420 L600,470", stroke="#fca5a5", stroke_width=6, fill="none"),
        text(600, 130, "THEY CHOSE VERRIN.", size=76, weight="900", anchor="middle", fill="#fef2f2"),
        text(600, 220, "KETTLEHOLM DROWNS.", size=76, weight="900", anchor="middle", fill="#fde047"),
        text(600, 560, "One gate left open \u201cby accident\u201d? Wake up.", size=30, anchor="middle", fill="#fecaca", weight="bold"),
        text(600, 620, "#VeskBetrayal · SHARE BEFORE THEY DELETE", size=26, anchor="middle", fill="#fef2f2", weight="bold"),
    ]
    return document(W, H, "Rumour meme claiming a barrier gate was left open on purpose", "".join(body), dark_mark=True)


def ccd_logo(x, y, s=1.0, color="#ffffff") -> str:
    return group(
        path(f"M{x},{y} L{x + 40 * s},{y} L{x + 40 * s},{y + 26 * s} Q{x + 20 * s},{y + 50 * s} {x},{y + 26 * s} Z", fill=color),
        path(f"M{x + 6 * s},{y + 22 * s} q7,-8 14,0 t14,0", stroke="#b91c1c", stroke_width=4 * s),
    )


def card_official_shelter_advice() -> str:
    def panel(x, title, lines, icon):
        out = [rect(x, 220, 340, 350, fill="#ffffff", stroke="#e5e7eb", rx=12), icon, text(x + 170, 452, title, size=34, weight="900", anchor="middle", fill="#991b1b")]
        for i, ln in enumerate(lines):
            out.append(text(x + 170, 494 + i * 28, ln, size=19, anchor="middle", fill=INK))
        return group(*out)

    house = group(polygon([(170, 340), (230, 280), (290, 340)], fill="#991b1b"), rect(185, 340, 90, 60, fill="#991b1b"), rect(218, 360, 24, 40, fill="#ffffff"))
    window = group(rect(520, 280, 120, 110, fill="#bfdbfe", stroke="#991b1b", stroke_width=8), line(580, 280, 580, 390, stroke="#991b1b", stroke_width=6), line(520, 335, 640, 335, stroke="#991b1b", stroke_width=6))
    radio = group(rect(870, 300, 140, 90, fill="#991b1b", rx=10), circle(910, 345, 24, fill="#ffffff"), rect(950, 320, 44, 8, fill="#ffffff"), rect(950, 340, 44, 8, fill="#ffffff"), line(890, 300, 930, 262, stroke="#991b1b", stroke_width=5))
    body = [
        rect(0, 0, W, H, fill="#f8fafc"),
        rect(0, 0, W, 120, fill="#b91c1c"),
        ccd_logo(40, 28, 1.3),
        text(110, 62, "Civil Contingencies Directorate", size=28, weight="bold", fill="#ffffff"),
        text(110, 96, "Ammonia release, Corvane terminal, Saltreach", size=22, fill="#fee2e2"),
        text(600, 182, "If you are in the Grell or Tollgate districts:", size=26, anchor="middle", weight="bold", fill=INK),
        panel(50, "GO IN", ["Get inside a building", "now and stay there."], house),
        panel(430, "STAY IN", ["Close windows and doors.", "Switch off fans and", "ventilation."], window),
        panel(810, "TUNE IN", ["Follow @CCD_Marrenland", "and Vesk24 radio", "for updates."], radio),
        text(600, 620, "Difficulty breathing? Call the emergency number.", size=24, anchor="middle", weight="bold", fill="#991b1b"),
    ]
    return document(W, H, "Official shelter-in-place advice card: go in, stay in, tune in", "".join(body))


def card_boil_water_notice() -> str:
    steps = [
        ("1", "Boil tap water before drinking it, brushing teeth or preparing food."),
        ("2", "Let it cool and keep it covered. Bathing and washing are fine."),
        ("3", "Keep doing this until Vesk Water tells you the notice is lifted."),
    ]
    parts = [
        rect(0, 0, W, H, fill="#f0f9ff"),
        rect(0, 0, W, 110, fill="#0369a1"),
        path("M60,30 C60,30 30,66 30,80 a30,30 0 0 0 60,0 C90,66 60,30 60,30 Z", fill="#ffffff"),
        text(110, 64, "Vesk Water", size=34, weight="bold", fill="#ffffff"),
        text(110, 94, "Customer notice", size=18, fill="#e0f2fe"),
        text(60, 170, "PRECAUTIONARY BOIL WATER NOTICE", size=40, weight="900", fill="#0c4a6e"),
        text(60, 214, "Kettleholm postcodes KH1, KH2 and KH3 only", size=26, weight="bold", fill=INK),
    ]
    y = 270
    for n, s in steps:
        parts.append(circle(84, y, 22, fill="#0369a1"))
        parts.append(text(84, y + 8, n, size=22, weight="bold", fill="#ffffff", anchor="middle"))
        parts.append(text(124, y + 8, s, size=22, fill=INK))
        y += 64
    parts += [
        rect(60, 470, 1080, 110, fill="#ffffff", stroke="#16a34a", stroke_width=3, rx=10),
        text(90, 512, "This notice is NOT about ammonia.", size=26, weight="bold", fill="#166534"),
        text(90, 552, "Floodwater entered pipes in Kettleholm. Tap water everywhere else is safe to drink.", size=20, fill=INK),
        text(600, 420, "DRAFT FOR DIRECTOR OF PUBLIC HEALTH APPROVAL", size=44, weight="900", anchor="middle", fill=RED, opacity=0.18, transform="rotate(-12 600 420)"),
    ]
    return document(W, H, "Draft precautionary boil water notice for Kettleholm", "".join(parts))


DOCUMENTS = {
    "doc-leaked-memo.svg": doc_leaked_memo,
    "doc-fake-sms-screenshot.svg": doc_fake_sms_screenshot,
    "doc-forged-email.svg": doc_forged_email,
    "doc-hmi-screenshot.svg": doc_hmi_screenshot,
    "imagery-orlan-vey.svg": imagery_orlan_vey,
    "card-lowtide-claim.svg": card_lowtide_claim,
    "card-deepfake-audio.svg": card_deepfake_audio,
    "card-barrier-rumour.svg": card_barrier_rumour,
    "card-official-shelter-advice.svg": card_official_shelter_advice,
    "card-boil-water-notice.svg": card_boil_water_notice,
}
