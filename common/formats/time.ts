// Timestamps as each format spells them. Times are seconds (floating point) from the file's start;
// every formatter rounds to whole milliseconds first so 1.9995 s never prints as "1.1000".

function parts(sec: number): { h: number; m: number; s: number; ms: number } {
  const total = Math.max(0, Math.round((Number.isFinite(sec) ? sec : 0) * 1000));
  return {
    h: Math.floor(total / 3_600_000),
    m: Math.floor(total / 60_000) % 60,
    s: Math.floor(total / 1000) % 60,
    ms: total % 1000,
  };
}

const p2 = (n: number) => String(n).padStart(2, '0');
const p3 = (n: number) => String(n).padStart(3, '0');

/** SubRip: "00:01:02,345" (hours always, comma before the milliseconds). */
export function srtTimestamp(sec: number): string {
  const t = parts(sec);
  return `${p2(t.h)}:${p2(t.m)}:${p2(t.s)},${p3(t.ms)}`;
}

/** WebVTT: "00:01:02.345" (hours always, so every cue lines up). */
export function vttTimestamp(sec: number): string {
  const t = parts(sec);
  return `${p2(t.h)}:${p2(t.m)}:${p2(t.s)}.${p3(t.ms)}`;
}

/** What a person reads: "0:07", "12:05", "1:02:03" (whole seconds, rounded down). */
export function clockTime(sec: number): string {
  const whole = Math.max(0, Math.floor(Number.isFinite(sec) ? sec + 1e-6 : 0));
  const h = Math.floor(whole / 3600);
  const m = Math.floor(whole / 60) % 60;
  const s = whole % 60;
  return h > 0 ? `${h}:${p2(m)}:${p2(s)}` : `${m}:${p2(s)}`;
}

/** A span for people: "0:07–0:12", or one time when both ends read the same. */
export function clockSpan(start: number, end: number): string {
  const a = clockTime(start);
  const b = clockTime(end);
  return a === b ? a : `${a}–${b}`;
}

/** A local date and time for notes: "2026-01-05 09:03", from the clock of the machine. */
export function localDateTime(d: Date): string {
  return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}`;
}
