// Routes a daemon connection's live notifications to the recording session they belong to, and its
// loss (the daemon died, the shared daemon's socket closed) to the session as an interruption. No
// vscode: tested with a fake connection.
import type { DaemonConnection, DaemonExit } from '../../client/daemonConnection';
import type { LiveEndedParams, LiveLevelParams, LiveSegmentParams } from '../../common/protocol';
import type { LiveNotesSession } from './liveNotesSession';

/** The part of a DaemonConnection the routing uses. */
export type LiveConnection = Pick<DaemonConnection, 'onExit'> & {
  endpoint: Pick<DaemonConnection['endpoint'], 'onNotification'>;
};

export interface LiveRoutes {
  /** The session recording now, if any. */
  session: () => LiveNotesSession | undefined;
  /** Capture ended on its own (device gone, disk full): tell the user; the session then finishes its notes. */
  onEnded: (p: LiveEndedParams, finishing: Promise<void>) => void;
}

/** Why the connection is gone, in words. */
export function exitReason(e: DaemonExit): string {
  return e.signal ? `the daemon was stopped by ${e.signal}` : `the daemon exited with code ${e.code}`;
}

export function routeLive(conn: LiveConnection, routes: LiveRoutes): void {
  conn.endpoint.onNotification('live/segment', (raw) => routes.session()?.segment(raw as LiveSegmentParams));
  conn.endpoint.onNotification('live/level', (raw) => routes.session()?.level(raw as LiveLevelParams));
  conn.endpoint.onNotification('live/ended', (raw) => {
    const p = raw as LiveEndedParams;
    const s = routes.session();
    if (!s || s.info.jobId !== p.id) return;
    routes.onEnded(p, s.ended(p));
  });
  conn.onExit((e) => {
    const s = routes.session();
    // Only a session this connection was serving: one already finished, or interrupted before, stays as it is.
    if (s && s.info.jobId && (s.state === 'recording' || s.state === 'paused' || s.state === 'stopping'))
      s.daemonLost(exitReason(e));
  });
}
