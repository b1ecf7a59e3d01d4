/** IANA time zones as the runtime knows them (EventBridge Scheduler accepts IANA names and UTC). */
import { didYouMean } from "../suggest";

let zones: Set<string> | undefined;
function known(): Set<string> {
  if (!zones) {
    zones = new Set(Intl.supportedValuesOf("timeZone"));
    zones.add("UTC"); // canonical in IANA, though some ICU builds list only Etc/UTC
    zones.add("Etc/UTC");
  }
  return zones;
}

/** Why `tz` is not an IANA time zone, with the nearest name for a typo (`Asia/Tokio`). */
export function timeZoneProblem(tz: string): string | undefined {
  if (known().has(tz)) return undefined;
  // Links (e.g. "Asia/Calcutta") are valid to the service and to Intl, though not listed.
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    if (tz.includes("/")) return undefined;
  } catch {
    // not a zone
  }
  return `"${tz}" is not an IANA time zone${didYouMean(tz, known())}`;
}
