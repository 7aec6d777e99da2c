// The inference server's bearer token as the daemon receives it: an Authorization header in the
// settings sent over the local connection (never a settings file, never a log line). Pure, so the
// checks are tested without VS Code; the storage is registerInferenceToken.ts (SecretStorage).

/** What the user typed, checked: a header value cannot hold line breaks or control characters. */
export function checkToken(input: string): { token: string } | { error: string } | { clear: true } {
  const token = input.trim().replace(/^Bearer\s+/i, '');
  if (token === '') return { clear: true };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(token))
    return { error: 'A token cannot contain line breaks or control characters.' };
  if (/\s/.test(token)) return { error: 'A bearer token has no spaces; paste the token alone.' };
  return { token };
}

/** The headers the daemon sends to the inference server, or undefined without a token. */
export function authHeaders(token: string | undefined): Record<string, string> | undefined {
  return token ? { Authorization: `Bearer ${token}` } : undefined;
}
