/**
 * What a failed connection or file operation was, in words: refused, DNS, TLS, reset, timed out;
 * permission denied, not a folder. fetch (undici), node:net and the chat SDKs bury the system
 * code in `cause` chains or AggregateErrors.
 */

const phrases: [RegExp, string][] = [
  [/^ECONNREFUSED$/, "connection refused (nothing is listening there)"],
  [/^(ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL)$/, "the host name does not resolve (DNS)"],
  [/^(ECONNRESET|EPIPE|UND_ERR_SOCKET)$/, "the connection was reset"],
  [/^(ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT|UND_ERR_HEADERS_TIMEOUT|UND_ERR_BODY_TIMEOUT)$/, "the connection timed out"],
  [/^(EHOSTUNREACH|ENETUNREACH|ENETDOWN)$/, "the host is unreachable (no route)"],
  [/CERT|SSL|TLS|^EPROTO$|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/, "the TLS handshake failed (certificate or protocol)"],
];

/** The first system error code in an error's cause chain (ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED, ...). */
export function networkErrorCode(error: unknown, depth = 0): string | undefined {
  if (typeof error !== "object" || error === null || depth > 5) return undefined;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === "string" && phrases.some(([pattern]) => pattern.test(code))) return code;
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const found = networkErrorCode(inner, depth + 1);
      if (found) return found;
    }
  }
  return networkErrorCode(cause, depth + 1);
}

/** "connection refused (ECONNREFUSED)", or undefined when the error is not a connection failure. */
export function describeNetworkError(error: unknown): string | undefined {
  const code = networkErrorCode(error);
  if (!code) return undefined;
  const phrase = phrases.find(([pattern]) => pattern.test(code))?.[1];
  return phrase ? `${phrase}, ${code}` : undefined;
}

/** A URL as it is safe to show: no user, password, query or fragment (any of which may hold a token). */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === "/" ? "" : parsed.pathname}`;
  } catch {
    return "(an invalid URL)";
  }
}

/** Why a file or folder could not be used, in words with its code: "permission denied (EACCES)". */
export function describeFileError(error: unknown): string {
  const code = String((error as { code?: unknown }).code ?? "");
  const why =
    code === "EACCES" || code === "EPERM" || code === "SQLITE_READONLY" || code === "EROFS"
      ? "permission denied"
      : code === "ENOTDIR" || code === "EEXIST"
        ? "a part of the path is a file, not a folder"
        : code === "SQLITE_NOTADB"
          ? "the file is not an SQLite database"
          : code === "SQLITE_CANTOPEN" || code === "EISDIR"
            ? "the file cannot be opened (is the path a folder, or its folder not writable?)"
            : code === "ENOSPC"
              ? "the disk is full"
              : error instanceof Error
                ? error.message
                : String(error);
  return code ? `${why} (${code})` : why;
}
