import type { AxiosInstance } from 'axios';
import { DeliveryError, UpstreamError } from '../../src/module-api.js';

export interface DetectifyProfile {
  token: string;
  name?: string;
  endpoint?: string;
}

/** The v2 REST API with one key per call: the hub holds several keys, each seeing its own profiles. */
export class DetectifyClient {
  constructor(private readonly http: AxiosInstance) {}

  async listProfiles(key: string, signal?: AbortSignal): Promise<DetectifyProfile[]> {
    const response = await this.http.get<unknown>('/profiles/', { headers: this.auth(key), signal });
    if (!Array.isArray(response.data)) {
      throw new DeliveryError('Detectify listed profiles in an unexpected shape', {
        code: 'HUB_ERR_UPSTREAM_ANSWER',
        reason: 'DETECTIFY_BAD_ANSWER',
      });
    }
    return (response.data as Array<Partial<DetectifyProfile>>).filter(
      (profile): profile is DetectifyProfile => typeof profile?.token === 'string',
    );
  }

  async scanState(key: string, token: string, signal?: AbortSignal): Promise<string> {
    const response = await this.http.get<{ state?: unknown; status?: unknown }>(scanPath(token), {
      headers: this.auth(key),
      signal,
    });
    // The original found `state` where the documentation promised `status`; accept either.
    const state = response.data?.state ?? response.data?.status;
    if (typeof state !== 'string') {
      throw new DeliveryError('Detectify answered a scan status without a state', {
        code: 'HUB_ERR_UPSTREAM_ANSWER',
        reason: 'DETECTIFY_BAD_ANSWER',
      });
    }
    return state;
  }

  /** Starts a scan; false when Detectify says one is already running (409), which is no failure. */
  async startScan(key: string, token: string, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.http.post(scanPath(token), undefined, { headers: this.auth(key), signal });
      return true;
    } catch (error) {
      if (error instanceof UpstreamError && error.status === 409) return false;
      throw error;
    }
  }

  private auth(key: string): Record<string, string> {
    return { 'X-Detectify-Key': key };
  }
}

function scanPath(token: string): string {
  return `/scans/${encodeURIComponent(token)}/`;
}
