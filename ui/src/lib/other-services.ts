// Other OpenAI-compatible services (a provider's own API, a model running on this computer):
// what a producer types when adding one, checked before it is sent, and what the screen says
// about a service's spending.

import type { ConnectionStatus, OtherConnection } from "./api";

/** The longest name the engine keeps. */
export const MAX_NAME_LENGTH = 80;

export type NewServiceErrors = { name?: string; baseUrl?: string };

/** What is wrong with a new service's name and address, in plain words; empty when nothing. */
export function checkNewService(
  name: string,
  baseUrl: string,
  existing: OtherConnection[],
): NewServiceErrors {
  const errors: NewServiceErrors = {};
  const n = name.trim();
  if (n === "") errors.name = "Give the service a name you will recognise, like “My local server”.";
  else if (n.length > MAX_NAME_LENGTH) errors.name = `Keep the name under ${MAX_NAME_LENGTH} characters.`;

  const url = baseUrl.trim();
  if (url === "") {
    errors.baseUrl = "Enter the address of the service's API, like https://api.example.com/v1.";
    return errors;
  }
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:") || /\s/.test(url)) {
    errors.baseUrl = "The address starts with http:// or https://, like https://api.example.com/v1.";
  } else if (parsed.username !== "" || parsed.password !== "") {
    errors.baseUrl = "Leave the name and password out of the address; put the key in the Key box instead.";
  } else if (existing.some((c) => sameAddress(c.base_url, url))) {
    errors.baseUrl = "That address is already in your list.";
  }
  return errors;
}

function sameAddress(a: string, b: string): boolean {
  const plain = (u: string) => u.trim().replace(/\/+$/, "").toLowerCase();
  return plain(a) === plain(b);
}

/** Whether the service is the active connection, by the newest word the app has on it. */
export function isInUse(service: OtherConnection, connection: ConnectionStatus | null): boolean {
  if (!connection) return service.in_use;
  if (connection.choice !== "other") return false;
  // An engine that names no service still marks it in the list.
  return connection.other ? connection.other.id === service.id : service.in_use;
}

/**
 * What spending on the service looks like: runs refused (no prices and the limit on), no
 * limit at all (turned off knowingly), or guarded by the limit as usual.
 */
export function spendingState(service: OtherConnection): "refused" | "unlimited" | "limited" {
  if (service.limit_off) return "unlimited";
  return service.prices.length === 0 ? "refused" : "limited";
}
