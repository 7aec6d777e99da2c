import { buildVersion } from '../common/daemon/buildVersion';

/** The daemon's version: the extension's, since they ship together. */
export const DAEMON_VERSION: string = buildVersion();
