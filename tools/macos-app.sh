#!/usr/bin/env bash
# NetDebug.app for macOS, a universal binary (Apple silicon and Intel), zipped.
#   tools/macos-app.sh      writes target/dist/netdebug-VERSION-macos.zip
# Runs on macOS only (lipo, iconutil, ditto), as the release workflow does on GitHub's macOS
# runners. It has never run on the machines NetDebug is developed on, which are Linux: the
# bundle is untested until a release workflow has built it and someone has opened it.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)
for target in aarch64-apple-darwin x86_64-apple-darwin; do
  rustup target add "$target"
  cargo build --profile ship --locked --target "$target"
done
app=target/dist/NetDebug.app
rm -rf "$app"
mkdir -p "$app/Contents/MacOS" "$app/Contents/Resources"
lipo -create -output "$app/Contents/MacOS/netdebug" \
  target/aarch64-apple-darwin/ship/netdebug target/x86_64-apple-darwin/ship/netdebug
sed "s/@VERSION@/$version/g" resources/macos/Info.plist >"$app/Contents/Info.plist"
iconset=$(mktemp -d)/netdebug.iconset
mkdir -p "$iconset"
for size in 16 32 128 256; do
  cp "resources/icon/netdebug-$size.png" "$iconset/icon_${size}x${size}.png"
done
cp resources/icon/netdebug-32.png "$iconset/icon_16x16@2x.png"
cp resources/icon/netdebug-64.png "$iconset/icon_32x32@2x.png"
cp resources/icon/netdebug-256.png "$iconset/icon_128x128@2x.png"
iconutil -c icns -o "$app/Contents/Resources/netdebug.icns" "$iconset"
out="target/dist/netdebug-$version-macos.zip"
(cd target/dist && ditto -c -k --keepParent NetDebug.app "$(basename "$out")")
echo "wrote $out"
