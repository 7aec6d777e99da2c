// The build version both ends put in the handshake, and how two are ordered. The extension, the
// cli and the daemon ship together, so one version names all three.
import pkg from '../../package.json';

/** This build's version; SENSEVOICE_BUILD_VERSION stands in for it in tests of the version handshake. */
export function buildVersion(env: NodeJS.ProcessEnv = process.env): string {
  return env.SENSEVOICE_BUILD_VERSION || pkg.version;
}

/** Negative when a is older than b, 0 when equal, positive when newer (dotted numbers; other text compares as text). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/);
  const pb = b.split(/[.+-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const nx = Number(x);
    const ny = Number(y);
    const c = x !== '' && y !== '' && Number.isFinite(nx) && Number.isFinite(ny) ? nx - ny : x.localeCompare(y);
    if (c !== 0) return Math.sign(c);
  }
  return 0;
}
