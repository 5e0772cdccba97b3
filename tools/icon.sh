#!/usr/bin/env bash
# Renders NetDebug's icon from its source, resources/icon/netdebug.svg, into the PNGs the
# window and the Linux packages use and the .ico the Windows build embeds.
# Needs: ImageMagick (apt-get install imagemagick).
set -euo pipefail
cd "$(dirname "$0")/../resources/icon"
for size in 16 32 48 64 128 256; do
  convert -background none -density 384 netdebug.svg -resize "${size}x${size}" \
    -define png:exclude-chunks=date,time "netdebug-$size.png"
done
convert netdebug-16.png netdebug-32.png netdebug-48.png netdebug-64.png netdebug-128.png \
  netdebug-256.png netdebug.ico
echo "wrote $(pwd)/netdebug-*.png and netdebug.ico"
