#!/usr/bin/env bash
# Runs gpu:verify on a bare Linux x64 GPU machine from what tools/gpuVerify/pack.sh put in .gpu-carry/
# (node, onnxruntime-node, the bundle, the Vulkan loader): no node, npm, ffmpeg or network needed.
# From the repository root, as root (it may add the Vulkan loader to the system's library folder):
#
#   OUT=/some/folder bash tools/gpuVerify/onDevice.sh [gpu:verify options...]
#
# Writes $OUT/gpu-verify.json and $OUT/gpu-verify.log (OUT defaults to /tmp/gpuout). Exits with
# gpu:verify's code: 0 a GPU provider works, 1 none does (the log's last line says why for each).
# The full-size model is generated into .cache/test-models on the first run (~940 MB, ~10-60 s).
set -uo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD
CARRY=$REPO/.gpu-carry
OUT=${OUT:-/tmp/gpuout}
WORK=${GPU_CARRY_WORK:-/tmp/gpucarry}
mkdir -p "$OUT"
LOG=$OUT/gpu-verify.log
: > "$LOG"
say() { echo "onDevice: $*" | tee -a "$LOG"; }
started=$(date +%s)

[ -f "$CARRY/node.xz" ] || { say ".gpu-carry/ is missing: run bash tools/gpuVerify/pack.sh where node_modules is, and carry .gpu-carry"; exit 1; }

# xz, or Python's lzma where xz-utils is not installed.
unxz_to_stdout() {
  if command -v xz >/dev/null; then xz -dc "$1"
  elif command -v python3 >/dev/null; then python3 -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), sys.stdout.buffer)' "$1"
  else say "neither xz nor python3 is here to unpack $1"; return 1
  fi
}

# A .deb's files under $2: dpkg-deb where there is one, else Python (ar, then data.tar.*).
extract_deb() {
  if command -v dpkg-deb >/dev/null; then dpkg-deb -x "$1" "$2"; return; fi
  python3 - "$1" "$2" <<'PY'
import io, sys, tarfile
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'!<arch>\n', 'not a .deb'
off = 8
while off < len(data):
    name = data[off:off + 16].decode().strip().rstrip('/')
    size = int(data[off + 48:off + 58])
    body = data[off + 60:off + 60 + size]
    if name.startswith('data.tar'):
        tarfile.open(fileobj=io.BytesIO(body)).extractall(sys.argv[2])
    off += 60 + size + (size % 2)
PY
}

# Whether the dynamic loader already knows a library by this soname.
known_lib() { ldconfig -p 2>/dev/null | awk -v n="$1" '$1 == n { found = 1 } END { exit !found }'; }

say "unpacking node and onnxruntime-node into $WORK"
rm -rf "$WORK"
mkdir -p "$WORK/bin" "$WORK/node_modules" "$WORK/gl" "$WORK/xdg"
chmod 700 "$WORK/xdg"
unxz_to_stdout "$CARRY/node.xz" > "$WORK/bin/node" && chmod +x "$WORK/bin/node"
unxz_to_stdout "$CARRY/onnxruntime-node.tar.xz" | tar -x -C "$WORK/node_modules"
cp -r "$CARRY/app" "$WORK/app"
if ! "$WORK/bin/node" -v >/dev/null 2>&1; then
  say "node does not start with this machine's libraries; using the carried C++ runtime"
  mkdir -p "$WORK/lib"
  unxz_to_stdout "$CARRY/lib-fallback.tar.xz" | tar -x -C "$WORK/lib"
  export LD_LIBRARY_PATH="$WORK/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
say "node $("$WORK/bin/node" -v)"

# The Vulkan loader (WebGPU's Dawn opens libvulkan.so.1) and libGLdispatch (NVIDIA's Vulkan driver
# links it). Installed into / as the packages would be, but never over a copy the machine already has.
for f in "$CARRY"/gl/*.deb; do
  [ -e "$f" ] || continue
  stage=$WORK/gl/$(basename "$f" .deb)
  extract_deb "$f" "$stage" || { say "could not unpack $f"; continue; }
  for so in $(cd "$stage" && find . -name '*.so.*' -type l); do
    name=$(basename "$so")
    if known_lib "$name"; then
      say "$name: the machine's own ($(ldconfig -p | awk -v n="$name" '$1 == n { print $NF; exit }'))"
    else
      say "$name: installing from $(basename "$f")"
      (cd "$stage" && cp -a --parents "$so" "$(dirname "$so")"/"$(readlink "$so")" /)
    fi
  done
done
ldconfig 2>/dev/null || true
known_lib libvulkan.so.1 ||
  export LD_LIBRARY_PATH="/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# Driver libraries mounted outside the loader's path (GKE-style /usr/local/nvidia/lib64).
for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do
  [ -d "$d" ] && export LD_LIBRARY_PATH="$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
done

# NVIDIA's Vulkan driver manifest: the mounted one, else the usual places, else one written here for
# the driver library when it is present (containers given the GPU without the "graphics" capability
# lack the manifest, and then usually the library too).
icd=""
for c in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json \
  /etc/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.x86_64.json; do
  [ -f "$c" ] && { icd=$c; break; }
done
if [ -z "$icd" ]; then
  for lib in libGLX_nvidia.so.0 libEGL_nvidia.so.0; do
    if known_lib "$lib" || ls /usr/local/nvidia/lib64/"$lib" >/dev/null 2>&1; then
      icd=$WORK/nvidia_icd.json
      printf '{"file_format_version":"1.0.1","ICD":{"library_path":"%s","api_version":"1.3.0"}}\n' "$lib" > "$icd"
      say "no NVIDIA Vulkan manifest found; wrote $icd for $lib"
      break
    fi
  done
fi
if [ -n "$icd" ]; then
  export VK_DRIVER_FILES=$icd VK_ICD_FILENAMES=$icd
  say "Vulkan driver manifest: $icd: $(tr -d '\n ' < "$icd")"
else
  say "no NVIDIA Vulkan driver (nvidia_icd.json, libGLX_nvidia.so.0) on this machine: WebGPU will find no NVIDIA adapter (a container needs NVIDIA_DRIVER_CAPABILITIES to include graphics)"
fi
export XDG_RUNTIME_DIR=$WORK/xdg

{
  echo "onDevice: NVIDIA_VISIBLE_DEVICES=${NVIDIA_VISIBLE_DEVICES:-} NVIDIA_DRIVER_CAPABILITIES=${NVIDIA_DRIVER_CAPABILITIES:-}"
  echo "onDevice: LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
  command -v nvidia-smi >/dev/null && nvidia-smi
  command -v vulkaninfo >/dev/null && vulkaninfo --summary 2>&1 | head -60
  command -v ffmpeg >/dev/null || echo "onDevice: no ffmpeg: gpu:verify reads the WAV clips itself"
} 2>&1 | tee -a "$LOG"

say "gpu:verify (setup took $(($(date +%s) - started)) s)"
"$WORK/bin/node" "$WORK/app/gpu-verify.js" --root "$REPO" --out "$OUT/gpu-verify.json" "$@" 2>&1 | tee -a "$LOG"
code=${PIPESTATUS[0]}
say "exit $code after $(($(date +%s) - started)) s in all; $OUT/gpu-verify.json, $OUT/gpu-verify.log"
exit "$code"
