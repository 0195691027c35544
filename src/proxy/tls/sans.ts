/**
 * Subject alternative names as Node prints them (`URI:spiffe://td/ns/a/sa/b, DNS:x.example`), split
 * into their kinds. Node quotes a value holding a comma or a quote as a JSON string; those are
 * decoded, so a crafted certificate cannot smuggle a second name into the list. (src/security/ca/san.ts
 * decodes the ASN.1 instead, with the X.509 library the proxy does not load for its handshakes.)
 */
export interface Sans {
  uris: string[];
  dns: string[];
}

function entries(text: string | undefined): string[] {
  if (!text) return [];
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const colon = text.indexOf(':', i);
    if (colon < 0) break;
    const kind = text.slice(i, colon);
    let j = colon + 1;
    let value: string;
    if (text[j] === '"') {
      // A JSON string: find its closing quote, skipping escaped ones.
      let k = j + 1;
      while (k < text.length && text[k] !== '"') k += text[k] === '\\' ? 2 : 1;
      try {
        value = JSON.parse(text.slice(j, k + 1)) as string;
      } catch {
        value = '';
      }
      j = k + 1;
    } else {
      const comma = text.indexOf(', ', j);
      value = text.slice(j, comma < 0 ? text.length : comma);
      j = comma < 0 ? text.length : comma;
    }
    out.push(`${kind}:${value}`);
    i = text.startsWith(', ', j) ? j + 2 : j + 1;
  }
  return out;
}

export function parseSans(text: string | undefined): Sans {
  const sans: Sans = { uris: [], dns: [] };
  for (const e of entries(text)) {
    if (e.startsWith('URI:')) sans.uris.push(e.slice(4));
    else if (e.startsWith('DNS:')) sans.dns.push(e.slice(4));
  }
  return sans;
}

export function uriSans(text: string | undefined): string[] {
  return parseSans(text).uris;
}
