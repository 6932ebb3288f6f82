import { defineModule, type HubEvent } from '../../src/module-api.js';

/** A module that records every `inspection` event it is delivered: how tests see alerts and recoveries. */
export function inspectionListener(received: Array<HubEvent<'inspection'>>) {
  return defineModule({
    name: 'listener',
    description: 'records inspection events',
    events: ['inspection'],
    create: () => ({ handlers: { inspection: (event) => void received.push(event) } }),
  });
}
