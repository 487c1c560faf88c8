#!/usr/bin/env python3
"""Draws every image of the GREY TIDE demo scenario into ../media as SVG.

Usage: python3 scenarios/demo/tools/draw_media.py [--only NAME ...]

Standard library only. The output is deterministic (seeded), so re-running it produces the
same files. Each file is checked to be well-formed XML, free of scripts and external
references, and under 200 KB.
"""

from __future__ import annotations

import argparse
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from maps import MAPS  # noqa: E402
from scenes import SCENES  # noqa: E402
from charts import CHARTS  # noqa: E402
from documents import DOCUMENTS  # noqa: E402
from logos import LOGOS  # noqa: E402

DRAWINGS = {**MAPS, **SCENES, **CHARTS, **DOCUMENTS, **LOGOS}
MAX_BYTES = 200 * 1024
FORBIDDEN = ("<script", "javascript:", "href=\"http", "href='http", "xlink:href", "@import", "url(http", "<foreignObject", "<image")


def check(name: str, svg: str) -> None:
    """Refuses a drawing that is not a valid, self-contained, small SVG."""
    root = ET.fromstring(svg)
    if root.tag != "{http://www.w3.org/2000/svg}svg":
        raise SystemExit(f"{name}: the root element is {root.tag}, not svg")
    lowered = svg.lower()
    for bad in FORBIDDEN:
        if bad.lower() in lowered:
            raise SystemExit(f"{name}: contains {bad!r}")
    size = len(svg.encode("utf-8"))
    if size > MAX_BYTES:
        raise SystemExit(f"{name}: {size} bytes is over the 200 KB limit")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="draw only these file names")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "media")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, draw in sorted(DRAWINGS.items()):
        if args.only and name not in args.only:
            continue
        svg = draw()
        check(name, svg)
        (args.out / name).write_text(svg, encoding="utf-8")
        print(f"{name}: {len(svg.encode('utf-8')) // 1024 + 1} KB")


if __name__ == "__main__":
    main()
