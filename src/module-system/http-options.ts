/** Outbound HTTP handed to modules: a timeout, redacted errors, upstream failures as `UpstreamError`. */
export interface HttpClientOptions {
  baseURL: string;
  /** Service name used in error messages ("Slack answered 503"). */
  service: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}
