#!/usr/bin/env sh
# Renders the committed PNGs the running app uses (window, notification and tray icons) from the
# SVG sources (needs rsvg-convert, from librsvg2-bin). The installers' icons at every size are
# made at packaging time by scripts/packaging-assets.ts.
set -eu
cd "$(dirname "$0")"
rsvg-convert -w 1024 -h 1024 icon.svg -o icon.png
for svg in tray/*.svg; do
  name=${svg%.svg}
  rsvg-convert -w 16 -h 16 "$svg" -o "$name.png"
  rsvg-convert -w 32 -h 32 "$svg" -o "$name@2x.png"
done
