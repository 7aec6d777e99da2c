import pkg from '../package.json';

/** The daemon's version: the extension's, since they ship together. */
export const DAEMON_VERSION: string = pkg.version;
