// Client-side counter of characters, encoding and segments, the same rules the server uses
// (GSM 03.38 default alphabet with its extension table, otherwise UCS-2; 160/153 and 70/67).
const GSM_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENDED = "^{}\\[~]|€\f";

export interface TextInfo {
  characters: number;
  encoding: "GSM-7" | "UCS-2";
  units: number;     ///< septets (GSM-7) or UTF-16 code units (UCS-2)
  segments: number;
  perSegment: number;
  remaining: number; ///< units left in the last segment
}

export function analyse(text: string): TextInfo {
  let septets = 0;
  let gsm = true;
  for (const ch of text) {
    if (GSM_BASIC.includes(ch)) septets += 1;
    else if (GSM_EXTENDED.includes(ch)) septets += 2;
    else { gsm = false; break; }
  }
  const characters = [...text].length;
  if (gsm) return finish(characters, "GSM-7", septets, 160, 153);
  return finish(characters, "UCS-2", text.length, 70, 67);
}

function finish(characters: number, encoding: TextInfo["encoding"], units: number,
                single: number, multi: number): TextInfo {
  if (units <= single) {
    return { characters, encoding, units, segments: units === 0 ? 0 : 1, perSegment: single, remaining: single - units };
  }
  const segments = Math.ceil(units / multi);
  return { characters, encoding, units, segments, perSegment: multi, remaining: segments * multi - units };
}

/// "+49151*****678": what a role without access to personal data sees.
export function maskNumber(e164: string): string {
  if (e164.length <= 9) return e164.replace(/\d(?=\d{3})/g, "*");
  return e164.slice(0, 6) + "*".repeat(e164.length - 9) + e164.slice(-3);
}
