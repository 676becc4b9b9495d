/** HTTP status of a failed `@kubernetes/client-node` call, or undefined for other errors. @public */
export function kubeStatusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** The `message` of the Kubernetes Status (or Backstage error) a call failed with, else the error's own message. @public */
export function kubeServerMessage(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  try {
    const parsed = typeof body === 'string' ? JSON.parse(body) : body;
    if (parsed && typeof parsed === 'object' && 'message' in parsed) {
      return String((parsed as { message: unknown }).message);
    }
    // a Backstage error body (the Kubernetes backend's proxy refusing the request)
    const backstage = (parsed as { error?: { message?: unknown } } | undefined)
      ?.error?.message;
    if (typeof backstage === 'string') return backstage;
  } catch {
    // not JSON
  }
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}
