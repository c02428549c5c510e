/** GET /metrics of a service, as a scraper reads it: the content type, and each sample's value by name and labels. */
export async function scrapeMetrics(baseUrl: string): Promise<{ contentType: string | null; value(name: string, labels?: Record<string, string>): number | undefined }> {
  const response = await fetch(`${baseUrl}/metrics`);
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}`);
  const lines = (await response.text()).split('\n').filter((line) => line !== '' && !line.startsWith('#'));
  return {
    contentType: response.headers.get('content-type'),
    value(name, labels = {}) {
      const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
      const found = lines.filter((line) => (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) && wanted.every((w) => line.includes(w)));
      if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${wanted.join(',')}`);
      return found[0] === undefined ? undefined : Number(found[0].slice(found[0].lastIndexOf(' ') + 1));
    },
  };
}
