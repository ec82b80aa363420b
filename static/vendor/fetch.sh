#!/bin/sh
# Re-vendor the front-end assets from the npm registry (versions pinned here and in VERSIONS.txt).
# The portal must run on an intranet without internet, so nothing is loaded from a CDN.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fetch() { (cd "$tmp" && npm pack --silent "$1@$2" >/dev/null && mkdir -p "$1" && tar -xzf "$(ls -t *.tgz | head -1)" -C "$1" && rm -f *.tgz); }
fetch bootstrap 5.3.8
fetch htmx.org 2.0.11
fetch echarts 6.1.0
mkdir -p bootstrap htmx echarts
cp "$tmp/bootstrap/package/dist/css/bootstrap.min.css" "$tmp/bootstrap/package/dist/js/bootstrap.bundle.min.js" bootstrap/
cp "$tmp/bootstrap/package/LICENSE" bootstrap/LICENSE
cp "$tmp/htmx.org/package/dist/htmx.min.js" htmx/
cp "$tmp/htmx.org/package/LICENSE" htmx/LICENSE
cp "$tmp/echarts/package/dist/echarts.min.js" echarts/
cp "$tmp/echarts/package/LICENSE" echarts/LICENSE
