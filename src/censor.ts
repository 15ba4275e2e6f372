/** What a secret is replaced with in a log line, an error or a message. */
export const CENSOR = "[redacted]";
