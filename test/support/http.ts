// Small HTTP helpers for tests that talk to a running Brygga.
export function postMessage(baseUrl: string, connector: string, body: Buffer, contentType = 'application/xml'): Promise<Response> {
  return fetch(`${baseUrl}/connectors/${connector}/messages`, { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(body) });
}

export async function getJson<T>(url: string): Promise<T> {
  return (await (await fetch(url)).json()) as T;
}
