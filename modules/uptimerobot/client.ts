import type { AxiosInstance } from 'axios';
import { DeliveryError } from '../../src/module-api.js';

/** Alert contact type 11 is a Slack integration in UptimeRobot's API v2. */
export const SLACK_CONTACT_TYPE = 11;
/** Monitor type 2 is a keyword monitor; keyword_type 2 alerts when the keyword is missing. */
export const KEYWORD_MONITOR_TYPE = 2;
export const KEYWORD_MISSING = 2;

export interface UtrMonitor {
  id: number;
  friendly_name: string;
  url: string;
  type?: number;
  keyword_type?: number;
  keyword_value?: string;
}

export interface UtrAlertContact {
  id: string;
  friendly_name: string;
  type: number;
}

/** The fields we send to newMonitor / editMonitor (editMonitor adds `id`). */
export type MonitorFields = Record<string, string>;

interface UtrError {
  type?: string;
  message?: string;
  parameter_name?: string;
  // passed_value is deliberately not read: for a bad api_key it echoes the key.
}

export type UtrMethod = 'getMonitors' | 'getAlertContacts' | 'newMonitor' | 'editMonitor' | 'deleteMonitor';

/**
 * UptimeRobot answers HTTP 200 with `stat: "fail"` for its own errors. Errors about the key are
 * permanent (retrying a rejected key for a day helps nobody), and so are errors about the parameters we
 * sent, since the same request would be refused again; anything else (internal errors) is retried.
 */
export function statFailError(method: UtrMethod, error: UtrError | undefined): DeliveryError {
  const type = error?.type ?? 'unknown_error';
  const parameter = error?.parameter_name;
  const detail = error?.message ?? (parameter ? `${type} (${parameter})` : type);
  const authProblem = parameter === 'api_key' || /auth|api_key|account/i.test(type);
  const requestProblem = /invalid_parameter|missing_parameter|not_found|already_exists/i.test(type);
  return new DeliveryError(`UptimeRobot ${method} failed: ${detail}`, {
    code: authProblem ? 'HUB_ERR_UPSTREAM_AUTH' : 'HUB_ERR_UPSTREAM',
    reason: authProblem ? 'UTR_AUTH' : `UTR_${type.toUpperCase()}`,
    permanent: authProblem || requestProblem,
  });
}

/** UptimeRobot API v2: every method a form-encoded POST to `<base>/<method>` carrying the key and format=json. */
export class UptimeRobotClient {
  constructor(
    private readonly http: AxiosInstance,
    private readonly apiKey: string,
  ) {}

  async call<T>(method: UtrMethod, params: Record<string, string>, signal?: AbortSignal): Promise<T> {
    const form = new URLSearchParams({ ...params, api_key: this.apiKey, format: 'json' });
    const response = await this.http.post<unknown>(`/${method}`, form, {
      signal,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    const body = response.data as { stat?: string; error?: UtrError } | undefined;
    if (!body || typeof body !== 'object') {
      throw new DeliveryError(`UptimeRobot ${method} answered something that is not JSON`, {
        code: 'HUB_ERR_UPSTREAM_ANSWER',
        reason: 'UTR_BAD_ANSWER',
      });
    }
    if (body.stat !== 'ok') throw statFailError(method, body.error);
    return body as T;
  }

  async searchMonitors(search: string, signal?: AbortSignal): Promise<UtrMonitor[]> {
    const body = await this.call<{ monitors?: UtrMonitor[] }>('getMonitors', { search }, signal);
    return body.monitors ?? [];
  }

  async alertContacts(signal?: AbortSignal): Promise<UtrAlertContact[]> {
    const body = await this.call<{ alert_contacts?: UtrAlertContact[] }>('getAlertContacts', {}, signal);
    return body.alert_contacts ?? [];
  }

  async newMonitor(fields: MonitorFields, signal?: AbortSignal): Promise<number> {
    const body = await this.call<{ monitor?: { id: number } }>('newMonitor', fields, signal);
    return requireId('newMonitor', body.monitor?.id);
  }

  async editMonitor(id: number, fields: MonitorFields, signal?: AbortSignal): Promise<number> {
    const body = await this.call<{ monitor?: { id: number } }>('editMonitor', { id: String(id), ...fields }, signal);
    return body.monitor?.id ?? id;
  }

  async deleteMonitor(id: number, signal?: AbortSignal): Promise<number> {
    const body = await this.call<{ monitor?: { id: number } }>('deleteMonitor', { id: String(id) }, signal);
    return body.monitor?.id ?? id;
  }
}

function requireId(method: UtrMethod, id: number | undefined): number {
  if (id === undefined || id === null) {
    throw new DeliveryError(`UptimeRobot ${method} answered ok without a monitor id`, {
      code: 'HUB_ERR_UPSTREAM_ANSWER',
      reason: 'UTR_BAD_ANSWER',
    });
  }
  return id;
}
