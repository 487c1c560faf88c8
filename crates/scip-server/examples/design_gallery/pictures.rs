//! Illustrations standing in for exercise photographs: drawn here as SVG so the gallery needs
//! no downloaded images. Each is a simple scene in the palette of a news photo.

/// File name and SVG source of every picture.
pub const PICTURES: &[(&str, &str)] = &[
    ("storm.svg", STORM),
    ("harbour.svg", HARBOUR),
    ("breakwater.svg", BREAKWATER),
    ("city.svg", CITY),
    ("flood.svg", FLOOD),
    ("tanker.svg", TANKER),
    ("map.svg", MAP),
    ("briefing.svg", BRIEFING),
];

const STORM: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 500">
<defs>
<radialGradient id="sea" cx="50%" cy="50%" r="75%"><stop offset="0" stop-color="#1b3a5c"/><stop offset="1" stop-color="#0b1a2c"/></radialGradient>
<radialGradient id="eye" cx="50%" cy="50%" r="50%"><stop offset="0" stop-color="#16324f"/><stop offset=".18" stop-color="#16324f"/><stop offset=".3" stop-color="#dfe8f2"/><stop offset=".7" stop-color="#a9bccf" stop-opacity=".8"/><stop offset="1" stop-color="#8fa6bd" stop-opacity="0"/></radialGradient>
</defs>
<rect width="800" height="500" fill="url(#sea)"/>
<path d="M0 360 C120 330 170 390 260 370 S420 300 520 340 700 420 800 380 V500 H0Z" fill="#3d5b3a" opacity=".85"/>
<path d="M0 395 C140 370 200 430 300 410 S470 350 560 380 720 450 800 420 V500 H0Z" fill="#56734a" opacity=".8"/>
<g transform="translate(430 210)">
<circle r="200" fill="url(#eye)"/>
<g fill="none" stroke="#eef3f8" stroke-linecap="round" opacity=".75">
<path d="M-20 -40 C60 -120 190 -60 170 40" stroke-width="26"/>
<path d="M30 55 C-60 140 -190 80 -175 -30" stroke-width="26"/>
<path d="M60 -10 C110 -160 -80 -210 -150 -90" stroke-width="14" opacity=".7"/>
<path d="M-60 20 C-110 170 90 210 160 90" stroke-width="14" opacity=".7"/>
</g>
<circle r="22" fill="#0f2740"/>
</g>
<g fill="#ffffff" font-family="Arial, sans-serif" font-size="13" opacity=".7"><text x="24" y="470">SAT IR 03:40Z</text><text x="690" y="470">HALVARD</text></g>
</svg>"##;

const HARBOUR: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 500">
<defs>
<linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#2a3b5a"/><stop offset=".55" stop-color="#c46b4a"/><stop offset=".75" stop-color="#f0a566"/></linearGradient>
<linearGradient id="water" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#3a4763"/><stop offset="1" stop-color="#121a2b"/></linearGradient>
</defs>
<rect width="800" height="330" fill="url(#sky)"/>
<circle cx="600" cy="290" r="38" fill="#ffd39a" opacity=".9"/>
<rect y="320" width="800" height="180" fill="url(#water)"/>
<g fill="#141a26">
<rect x="0" y="300" width="800" height="24"/>
<path d="M90 300 V150 h10 V300Z M60 165 h130 v8 H60Z M170 173 l-4 60 h4Z"/>
<path d="M240 300 V130 h10 V300Z M205 146 h150 v8 H205Z M330 154 l-4 70 h4Z"/>
<path d="M420 300 V170 h9 V300Z M390 184 h120 v7 H390Z"/>
<rect x="470" y="262" width="60" height="38"/><rect x="535" y="250" width="60" height="50"/><rect x="600" y="270" width="46" height="30"/>
<path d="M120 352 h300 l-24 26 H146Z"/><rect x="300" y="330" width="60" height="22"/><rect x="320" y="318" width="16" height="14"/>
</g>
<g fill="#e7875a" opacity=".55"><rect x="160" y="384" width="220" height="3"/><rect x="560" y="340" width="120" height="3"/><rect x="520" y="360" width="160" height="2"/></g>
<g fill="#ffe2a8"><circle cx="97" cy="150" r="3"/><circle cx="247" cy="130" r="3"/><circle cx="424" cy="170" r="3"/></g>
</svg>"##;

const BREAKWATER: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 500">
<defs>
<linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#5d6b78"/><stop offset="1" stop-color="#aab4bd"/></linearGradient>
<linearGradient id="sea" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#4b6170"/><stop offset="1" stop-color="#1f2f3a"/></linearGradient>
</defs>
<rect width="800" height="500" fill="url(#sky)"/>
<rect y="250" width="800" height="250" fill="url(#sea)"/>
<path d="M0 300 L520 250 L800 262 V300 L520 282 L0 340Z" fill="#5a5650"/>
<path d="M0 340 L520 282 L800 300 V312 L520 296 L0 356Z" fill="#3e3b37"/>
<g fill="#f3f6f8">
<path d="M380 270 C400 160 470 120 520 150 C560 90 640 110 650 190 C700 180 730 230 700 262 Z" opacity=".92"/>
<path d="M430 262 C450 200 500 190 520 215 C560 180 610 200 600 250Z" opacity=".8"/>
<circle cx="470" cy="140" r="26" opacity=".6"/><circle cx="610" cy="120" r="20" opacity=".6"/>
</g>
<g fill="none" stroke="#dfe7ec" stroke-width="3" opacity=".55">
<path d="M0 420 C80 400 160 440 240 420 S400 400 480 420 640 440 800 415"/>
<path d="M0 460 C90 440 170 480 260 460 S420 440 500 462 660 480 800 455"/>
</g>
</svg>"##;

const CITY: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 500">
<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#0d1424"/><stop offset="1" stop-color="#2d3c5e"/></linearGradient></defs>
<rect width="800" height="500" fill="url(#sky)"/>
<g fill="#0a0f1a">
<rect x="20" y="250" width="80" height="250"/><rect x="110" y="190" width="70" height="310"/><rect x="190" y="280" width="90" height="220"/>
<rect x="290" y="150" width="60" height="350"/><rect x="360" y="230" width="100" height="270"/><rect x="470" y="120" width="70" height="380"/>
<rect x="550" y="260" width="90" height="240"/><rect x="650" y="200" width="60" height="300"/><rect x="720" y="280" width="70" height="220"/>
</g>
<g fill="#f6cf7a" opacity=".85">
<rect x="120" y="210" width="8" height="10"/><rect x="140" y="240" width="8" height="10"/><rect x="160" y="270" width="8" height="10"/>
<rect x="300" y="180" width="8" height="10"/><rect x="320" y="230" width="8" height="10"/><rect x="300" y="300" width="8" height="10"/>
<rect x="480" y="150" width="8" height="10"/><rect x="500" y="200" width="8" height="10"/><rect x="520" y="260" width="8" height="10"/>
<rect x="380" y="260" width="8" height="10"/><rect x="420" y="300" width="8" height="10"/><rect x="660" y="230" width="8" height="10"/>
<rect x="570" y="290" width="8" height="10"/><rect x="600" y="330" width="8" height="10"/><rect x="40" y="280" width="8" height="10"/>
</g>
<rect y="440" width="800" height="60" fill="#101827"/>
<g fill="#e0483c"><circle cx="150" cy="470" r="5"/><circle cx="190" cy="470" r="5"/></g>
<g fill="#4f8ff0"><circle cx="420" cy="470" r="5"/><circle cx="440" cy="470" r="5"/></g>
</svg>"##;

const FLOOD: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 500">
<defs>
<linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#7d8a96"/><stop offset="1" stop-color="#c7cdd2"/></linearGradient>
<linearGradient id="water" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#7a6a4f"/><stop offset="1" stop-color="#4a3f2e"/></linearGradient>
</defs>
<rect width="800" height="500" fill="url(#sky)"/>
<g fill="#8f8a84"><rect x="40" y="140" width="200" height="240"/><rect x="260" y="180" width="160" height="200"/><rect x="450" y="120" width="220" height="260"/></g>
<g fill="#5b6470">
<rect x="70" y="170" width="40" height="50"/><rect x="150" y="170" width="40" height="50"/><rect x="70" y="250" width="40" height="50"/><rect x="150" y="250" width="40" height="50"/>
<rect x="290" y="210" width="36" height="46"/><rect x="350" y="210" width="36" height="46"/><rect x="480" y="150" width="44" height="54"/><rect x="560" y="150" width="44" height="54"/><rect x="480" y="240" width="44" height="54"/><rect x="560" y="240" width="44" height="54"/>
</g>
<rect y="330" width="800" height="170" fill="url(#water)"/>
<g fill="none" stroke="#a8987a" stroke-width="3" opacity=".6"><path d="M0 360 C100 350 200 372 300 360 S500 348 600 362 800 352"/><path d="M0 410 C120 400 220 424 330 410 S540 398 650 414 800 404"/></g>
<g fill="#d9d2c4"><rect x="600" y="300" width="90" height="40" rx="6"/><rect x="612" y="284" width="60" height="22" rx="4"/></g>
<rect x="700" y="250" width="6" height="90" fill="#d0b34a"/><rect x="690" y="250" width="26" height="18" fill="#d0b34a"/>
</svg>"##;

const TANKER: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 500">
<defs>
<linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#415466"/><stop offset="1" stop-color="#8b9aa6"/></linearGradient>
<linearGradient id="sea" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#34495a"/><stop offset="1" stop-color="#172430"/></linearGradient>
</defs>
<rect width="800" height="500" fill="url(#sky)"/>
<rect y="290" width="800" height="210" fill="url(#sea)"/>
<g transform="rotate(-4 400 300)">
<path d="M150 290 H650 L620 340 H190Z" fill="#7d2a23"/>
<rect x="160" y="270" width="470" height="22" fill="#2f3a44"/>
<rect x="540" y="210" width="80" height="62" fill="#e3e6e8"/><rect x="552" y="222" width="56" height="10" fill="#24303a"/>
<rect x="580" y="180" width="12" height="32" fill="#c23a2a"/>
<g fill="#9aa3aa"><rect x="220" y="258" width="260" height="6"/><circle cx="260" cy="262" r="9"/><circle cx="340" cy="262" r="9"/><circle cx="420" cy="262" r="9"/></g>
</g>
<g fill="none" stroke="#c8d2da" stroke-width="3" opacity=".5"><path d="M0 380 C120 360 240 400 360 380 S600 360 800 385"/><path d="M0 440 C140 420 260 460 400 440 S640 420 800 445"/></g>
</svg>"##;

const MAP: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 500">
<rect width="800" height="500" fill="#cfe0ec"/>
<path d="M0 0 H520 C500 80 560 140 520 210 C480 280 540 330 500 400 C470 450 490 480 480 500 H0Z" fill="#eef0e6"/>
<path d="M0 0 H520 C500 80 560 140 520 210 C480 280 540 330 500 400 C470 450 490 480 480 500" fill="none" stroke="#9fb7c9" stroke-width="3"/>
<g stroke="#d8d2bf" stroke-width="6" fill="none"><path d="M0 260 H480"/><path d="M200 0 V500"/><path d="M40 80 L470 380"/></g>
<g stroke="#ffffff" stroke-width="3" fill="none"><path d="M0 260 H480"/><path d="M200 0 V500"/></g>
<path d="M560 120 C600 200 640 260 700 300 S760 380 800 400" fill="none" stroke="#c23a2a" stroke-width="4" stroke-dasharray="10 8"/>
<circle cx="640" cy="250" r="12" fill="#c23a2a"/><circle cx="640" cy="250" r="26" fill="none" stroke="#c23a2a" stroke-width="3" opacity=".5"/>
<g fill="#2350c0"><circle cx="430" cy="230" r="8"/><rect x="380" y="300" width="16" height="16"/></g>
<g font-family="Arial, sans-serif" font-size="15" fill="#2f3b47"><text x="40" y="245">PORT ALDINE</text><text x="560" y="470">North Channel</text><text x="660" y="242" fill="#8d1f15">MV SERRA NOVA</text></g>
</svg>"##;

const BRIEFING: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 500">
<defs><linearGradient id="wall" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#1d2a44"/><stop offset="1" stop-color="#2c3d60"/></linearGradient></defs>
<rect width="800" height="500" fill="url(#wall)"/>
<rect x="90" y="60" width="34" height="300" fill="#9a8a5a"/><path d="M124 70 h110 v70 h-110z" fill="#2a6d4a"/><path d="M124 70 h110 v23 h-110z" fill="#f1f1f1" opacity=".9"/>
<rect x="676" y="60" width="34" height="300" fill="#9a8a5a"/><path d="M676 70 h-110 v70 h110z" fill="#2350c0"/>
<path d="M300 330 h200 l-16 170 H316Z" fill="#3b4a63"/><rect x="290" y="318" width="220" height="18" fill="#56657f"/>
<circle cx="400" cy="220" r="48" fill="#d8b89a"/><path d="M330 330 C330 270 470 270 470 330Z" fill="#1a2333"/>
<rect x="388" y="290" width="24" height="30" fill="#c23a2a"/>
<g fill="#0f1520"><rect x="370" y="300" width="8" height="28"/><rect x="420" y="300" width="8" height="28"/></g>
<rect y="470" width="800" height="30" fill="#121a2a"/>
</svg>"##;
