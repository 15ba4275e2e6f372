/**
 * Railway's signed webhooks (a notification rule with a webhookSecret): header
 * `x-webhook-signature` = hex HMAC-SHA256 of the raw body under the secret. Undocumented by
 * Railway (one source), so a `sha256=` prefix and either hex case are accepted too.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "x-webhook-signature";

export type SignatureCheck = "valid" | "missing" | "invalid";

export function signBody(raw: Buffer | string, secret: string): string {
  return createHmac("sha256", secret).update(raw).digest("hex");
}

/** Checks a delivery's signature header against the raw body, in constant time. */
export function checkSignature(raw: Buffer, header: string | string[] | undefined, secret: string): SignatureCheck {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value || !value.trim()) return "missing";
  const hex = value
    .trim()
    .replace(/^sha256=/i, "")
    .toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) return "invalid";
  const expected = Buffer.from(signBody(raw, secret), "hex");
  return timingSafeEqual(Buffer.from(hex, "hex"), expected) ? "valid" : "invalid";
}
