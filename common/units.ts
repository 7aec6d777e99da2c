// Sizes, times and durations as people read them, one wording for every side (the GPU report, the
// cli, the transcript page and exports).

const p2 = (n: number) => String(n).padStart(2, '0');

/** Sizes in binary units: "512 B", "1.5 MiB". */
export function bytesText(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/** Milliseconds, to 0.1 ms below 100 ms; '–' when unknown. */
export function msText(ms: number | undefined): string {
  return ms === undefined ? '–' : ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;
}

/** A duration for a header: "7 s", "2 min 05 s", "1 h 02 min". */
export function durationText(sec: number): string {
  const whole = Math.max(0, Math.round(Number.isFinite(sec) ? sec : 0));
  if (whole < 60) return `${whole} s`;
  const h = Math.floor(whole / 3600);
  const m = Math.floor(whole / 60) % 60;
  const s = whole % 60;
  return h > 0 ? `${h} h ${p2(m)} min` : `${m} min ${p2(s)} s`;
}

/** A media duration to the millisecond: "1:02.345", "1:02:03.456" (the cli's probe output). */
export function preciseDuration(sec: number): string {
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = sec - h * 3600 - m * 60;
  const ss = s.toFixed(3).padStart(6, '0');
  return h > 0 ? `${h}:${p2(m)}:${ss}` : `${m}:${ss}`;
}
