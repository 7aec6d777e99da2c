# gdb script (not a test): run sherpa-onnx-node under gdb and dump, from the running binary, the
# features of one decode. Used by captureSherpaGolden.ts:
#   DUMP_DIR=dir gdb --batch -x sherpaFeatureDump.py --args node -e "<decode one clip>"
# Writes to DUMP_DIR:
#   melbanks.bin  per filter: int32 first FFT bin, int32 count, count float32 weights
#   fbank.bin     float32 [T, 80], the input of sherpa_onnx::ApplyLfr
#   lfr.bin       float32 [ceil(T/6), 560], what ApplyLfr returns
#   cmvn.bin      the same buffer when OfflineSenseVoiceModel::Forward is entered (after ApplyCMVN)
# Relies on sherpa-onnx 1.13.8's libsherpa-onnx-c-api.so keeping its (local) symbols, x86-64 SysV.
import os
import struct

import gdb

out = os.environ["DUMP_DIR"]
for c in ["set pagination off", "set breakpoint pending on", "set confirm off",
          "handle SIGUSR1 SIGUSR2 SIGPIPE nostop noprint pass"]:
    gdb.execute(c)


def mem(addr, n):
    return gdb.selected_inferior().read_memory(addr, n).tobytes()


def u64(addr):
    return int.from_bytes(mem(addr, 8), "little")


def reg(name):
    return int(gdb.parse_and_eval("$" + name))


def vector_bytes(addr):
    begin, end = u64(addr), u64(addr + 8)
    return (mem(begin, end - begin) if end > begin else b""), begin, end


def save(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
    print("DUMPED", name, len(data) // 4, flush=True)


mel = gdb.Breakpoint("_ZNK3knf8MelBanks7ComputeEPKfPf")
lfr = gdb.Breakpoint("_ZN11sherpa_onnx8ApplyLfrERKSt6vectorIfSaIfEEiii")
fwd = gdb.Breakpoint("_ZNK11sherpa_onnx22OfflineSenseVoiceModel7ForwardEN3Ort5ValueES2_S2_S2_")

gdb.execute("run")
# knf::MelBanks::Compute(this, power, out): bins_ is a vector<pair<int32, vector<float>>> (32 bytes each).
this = reg("rdi")
rows = []
for p in range(u64(this), u64(this + 8), 32):
    first = int.from_bytes(mem(p, 4), "little", signed=True)
    w, b, e = vector_bytes(p + 8)
    rows.append(struct.pack("<ii", first, (e - b) // 4) + w)
save("melbanks.bin", b"".join(rows))
mel.delete()

gdb.execute("continue")
# ApplyLfr(const vector<float>& in, ...) returns a vector: rdi = the result, rsi = the input.
result = reg("rdi")
save("fbank.bin", vector_bytes(reg("rsi"))[0])
gdb.execute("finish")
data, begin, end = vector_bytes(result)
save("lfr.bin", data)

gdb.execute("continue")
save("cmvn.bin", mem(begin, end - begin) if end > begin else b"")
gdb.execute("continue")
