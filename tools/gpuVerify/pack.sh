#!/usr/bin/env bash
# Builds .gpu-carry/ (git-ignored): what `npm run gpu:verify` needs on a bare GPU machine that has no
# node, no npm, maybe no ffmpeg and no network, so that the working tree plus this one folder (under
# ~55 MiB) is all that travels. Run here, from anywhere in the repository, with node_modules installed:
#
#   bash tools/gpuVerify/pack.sh            then on the GPU machine, from the repository root:
#   bash tools/gpuVerify/onDevice.sh        (see that file)
#
# It holds: node (an official build, stripped, xz), onnxruntime-node's runtime files for Linux x64
# (xz), an esbuild bundle of tools/gpuVerify (the model generator included: the full-size model is
# ~940 MB, so it is generated on the GPU machine), the C++ runtime as a fallback for a machine
# without one, and the Vulkan loader (+ libglvnd's dispatcher, which NVIDIA's Vulkan driver links)
# as Debian packages, for WebGPU. The fixture clips and model assets are tracked, so they travel anyway.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
CARRY=$ROOT/.gpu-carry
NODE_BIN=${NODE_BIN:-$(command -v node)}
XZ="xz -9 -T1"

[ -d node_modules/onnxruntime-node ] || { echo "pack: node_modules/onnxruntime-node is missing: npm ci first" >&2; exit 1; }
rm -rf "$CARRY"
mkdir -p "$CARRY/app" "$CARRY/gl"

echo "pack: bundle tools/gpuVerify -> .gpu-carry/app"
node_modules/.bin/esbuild gpu-verify=tools/gpuVerify/main.ts providerWorker=tools/gpuVerify/providerWorker.ts \
  --bundle --platform=node --format=cjs --target=node20 --outdir="$CARRY/app" \
  --external:onnxruntime-node --external:ffmpeg-static --log-level=warning

echo "pack: node $("$NODE_BIN" -v) from $NODE_BIN"
# Only an official build: it links nothing but glibc and the C++ runtime (no libnode, no libuv.so).
release=$("$NODE_BIN" -p 'process.release.sourceUrl || ""')
case "$release" in
  https://nodejs.org/*) ;;
  *) echo "pack: $NODE_BIN is not an official nodejs.org build ($release); set NODE_BIN" >&2; exit 1 ;;
esac
if ldd "$NODE_BIN" | grep -Ev 'linux-vdso|ld-linux|lib(c|m|dl|pthread|rt|stdc\+\+|gcc_s)\.so' | grep -q '=>'; then
  echo "pack: $NODE_BIN links more than glibc and the C++ runtime:" >&2
  ldd "$NODE_BIN" >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$NODE_BIN" "$tmp/node"
strip "$tmp/node"
$XZ -c "$tmp/node" > "$CARRY/node.xz"

echo "pack: onnxruntime-node $(node -p 'require("onnxruntime-node/package.json").version') (linux x64 runtime files)"
tar -C node_modules -cf - \
  onnxruntime-node/package.json onnxruntime-node/dist onnxruntime-node/bin/napi-v6/linux/x64 \
  onnxruntime-common/package.json onnxruntime-common/dist/cjs \
  | $XZ > "$CARRY/onnxruntime-node.tar.xz"

echo "pack: the C++ runtime, used only where the GPU machine has none"
libs=()
for so in libstdc++.so.6 libgcc_s.so.1; do
  p=$(ldconfig -p | awk -v so="$so" '$1 == so && /x86-64/ { print $NF; exit }')
  cp -L "$p" "$tmp/$so"
  libs+=("$so")
done
tar -C "$tmp" -cf - "${libs[@]}" | $XZ > "$CARRY/lib-fallback.tar.xz"

echo "pack: Vulkan loader packages (Debian's archive) for WebGPU"
o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
mkdir -p /tmp/amd64/partial
if apt-get $o update >/dev/null && (cd "$CARRY/gl" && apt-get $o download libvulkan1 libglvnd0 2>&1 | grep -v 'unsandboxed'); then
  :
else
  echo "pack: WARNING: the .debs could not be downloaded; WebGPU will rely on the GPU machine's own libvulkan.so.1" >&2
fi

cat > "$CARRY/README.txt" <<EOF
Built by tools/gpuVerify/pack.sh on $(date -u +%FT%TZ) from $(git rev-parse --short HEAD) ($(git rev-parse --abbrev-ref HEAD)).
Run on the GPU machine, from the repository root: OUT=/some/folder bash tools/gpuVerify/onDevice.sh
node: $("$NODE_BIN" -v) ($release), stripped
EOF
ls -l "$CARRY" "$CARRY/app" "$CARRY/gl"
du -sh "$CARRY"
