/**
 * Saving an artifact to the user's disk. The file is fetched through the client (which sends
 * the token as a header) and handed to the browser as a `blob:` URL, never as a URL to the
 * agent with the token in it.
 */
import type { Queries } from '@lablog/client';
import { baseName } from './artifactKind.js';

/**
 * Downloads `path` of run `runId` and offers it as a file named after its last segment.
 * @throws RequestError when the agent refuses the download (the caller shows it)
 */
export async function downloadArtifact(query: Queries, runId: string, path: string): Promise<void> {
  const res = await query.fetchArtifact(runId, path);
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = baseName(path);
  a.style.display = 'none';
  document.body.append(a);
  try {
    a.click();
  } finally {
    a.remove();
    // the download starts asynchronously from the URL: give it a moment before revoking
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}
