// A loopback Shippo API in its snake_case wire format: shipments with rates,
// transactions, refunds, tracks, address validation and signed track_updated
// webhooks, refusing an international label without a customs declaration.
import { createHmac, randomBytes } from 'node:crypto';
import { type FakeRequest, type FakeResponse, type HttpFake, startHttpFake } from './http-fake.js';

type Json = Record<string, unknown>;

export interface ShippoFake {
  http: HttpFake;
  url: string;
  transactions: Map<string, Json>;
  /** Labels bought, once per purchase. */
  purchases: string[];
  /** `"<provider> <service level name>"` of the rate a transaction bought. */
  serviceOf(transactionId: string): string;
  scan(trackingNumber: string, status: string, substatus?: string): void;
  webhook(trackingNumber: string, secret: string, at?: Date): { rawBody: string; headers: Record<string, string> };
  settleRefunds(): void;
  close(): Promise<void>;
}

const DOMESTIC = [
  { provider: 'USPS', token: 'usps_ground_advantage', name: 'Ground Advantage', amount: '6.10', days: 5 },
  { provider: 'USPS', token: 'usps_priority', name: 'Priority Mail', amount: '9.35', days: 2 },
  { provider: 'UPS', token: 'ups_next_day_air', name: 'Next Day Air', amount: '35.80', days: 1 },
];
const INTERNATIONAL = [{ provider: 'USPS', token: 'usps_priority_mail_international', name: 'Priority Mail International', amount: '48.00', days: 7 }];

export async function startShippoFake(options: { token?: string } = {}): Promise<ShippoFake> {
  const token = options.token ?? 'shippo_test_key';
  const shipments = new Map<string, Json>();
  const rates = new Map<string, Json>();
  const transactions = new Map<string, Json>();
  const tracks = new Map<string, { carrier: string; history: Json[] }>();
  const purchases: string[] = [];
  const id = () => randomBytes(16).toString('hex');
  const now = () => new Date().toISOString();
  const owner = 'shippo@example.com';
  const fail = (status: number, detail: string): FakeResponse => ({ status, body: { detail } });

  function createShipment(body: Json): FakeResponse {
    const from = body.address_from as Json | undefined;
    const to = body.address_to as Json | undefined;
    const parcels = body.parcels as Json[] | undefined;
    if (!from || !to || !Array.isArray(parcels) || parcels.length === 0) return fail(400, 'address_from, address_to and parcels are required');
    const shipmentId = id();
    const messages: Json[] = [];
    let offered = from.country === to.country ? DOMESTIC : INTERNATIONAL;
    if (to.country === 'AQ') {
      offered = [];
      messages.push({ source: 'USPS', code: 'destination_not_served', text: 'USPS does not serve this destination' });
    }
    const customs = body.customs_declaration as Json | undefined;
    const shipmentRates = offered.map((o) => {
      const rate = {
        object_id: id(),
        object_created: now(),
        object_owner: owner,
        shipment: shipmentId,
        attributes: [],
        amount: o.amount,
        currency: 'USD',
        amount_local: o.amount,
        currency_local: 'USD',
        provider: o.provider,
        servicelevel: { name: o.name, token: o.token },
        estimated_days: o.days,
        carrier_account: 'ca_test',
        test: true,
      };
      rates.set(rate.object_id, rate);
      return rate;
    });
    const shipment = {
      object_id: shipmentId,
      object_created: now(),
      object_updated: now(),
      object_owner: owner,
      status: 'SUCCESS',
      metadata: typeof body.metadata === 'string' ? body.metadata : '',
      address_from: { ...from, is_complete: true },
      address_to: { ...to, is_complete: true },
      parcels: parcels.map((p) => ({ ...p, object_id: id(), object_state: 'VALID', object_created: now(), object_updated: now(), object_owner: owner })),
      carrier_accounts: [],
      messages,
      rates: shipmentRates,
      ...(customs === undefined
        ? {}
        : { customs_declaration: { ...customs, object_id: id(), items: ((customs.items as unknown[]) ?? []).map(() => id()), _items: customs.items } }),
      test: true,
    };
    shipments.set(shipmentId, shipment);
    return { status: 201, body: shipment };
  }

  function createTransaction(body: Json): FakeResponse {
    const rate = rates.get(String(body.rate));
    if (rate === undefined) return fail(400, 'Rate not found');
    const shipment = shipments.get(String(rate.shipment)) as Json;
    const from = shipment.address_from as Json;
    const to = shipment.address_to as Json;
    const base = { object_id: id(), object_created: now(), object_updated: now(), object_owner: owner, rate: rate.object_id, metadata: body.metadata ?? '', test: true };
    const customs = shipment.customs_declaration as Json | undefined;
    if (from.country !== to.country && (customs === undefined || customs.certify !== true || ((customs._items as unknown[]) ?? []).length === 0)) {
      // Shippo answers 201 with status ERROR and messages when the carrier refuses.
      const tx = { ...base, status: 'ERROR', object_state: 'INVALID', messages: [{ source: 'USPS', code: 'customs_missing', text: 'A customs declaration is required for international shipments.' }] };
      transactions.set(tx.object_id, tx);
      return { status: 201, body: tx };
    }
    const trackingNumber = `92${randomBytes(10).toString('hex').replace(/\D/g, '').padEnd(20, '7').slice(0, 20)}`;
    const tx = {
      ...base,
      status: 'SUCCESS',
      object_state: 'VALID',
      tracking_number: trackingNumber,
      tracking_status: 'PRE_TRANSIT',
      tracking_url_provider: `https://tools.usps.example/go/TrackConfirmAction?tLabels=${trackingNumber}`,
      label_url: `https://shippo-delivery.example/${base.object_id}.${body.label_file_type === 'ZPLII' ? 'zpl' : body.label_file_type === 'PNG' ? 'png' : 'pdf'}`,
      label_file_type: body.label_file_type ?? 'PDF_4x6',
      messages: [],
    };
    transactions.set(tx.object_id, tx);
    tracks.set(trackingNumber, { carrier: String(rate.provider).toLowerCase(), history: [] });
    scan(trackingNumber, 'PRE_TRANSIT', 'information_from_shipper_received');
    purchases.push(tx.object_id);
    return { status: 201, body: tx };
  }

  function scan(trackingNumber: string, status: string, substatus = 'other'): void {
    const track = tracks.get(trackingNumber);
    if (track === undefined) throw new Error(`no track ${trackingNumber}`);
    const last = track.history.at(-1);
    const at = last === undefined ? Date.now() : Math.max(Date.now(), Date.parse(String(last.status_date)) + 60_000);
    track.history.push({
      object_id: id(),
      object_created: now(),
      object_updated: now(),
      status,
      status_details: `${status} (${substatus})`,
      status_date: new Date(at).toISOString(),
      substatus: { code: substatus, text: substatus, action_required: false },
      location: { city: 'Austin', state: 'TX', zip: '78701', country: 'US' },
    });
  }

  function trackBody(trackingNumber: string) {
    const track = tracks.get(trackingNumber);
    if (track === undefined) return null;
    return {
      tracking_number: trackingNumber,
      carrier: track.carrier,
      messages: [],
      tracking_status: track.history.at(-1) ?? null,
      tracking_history: track.history,
    };
  }

  function route(request: FakeRequest): FakeResponse {
    if (request.headers.authorization !== `ShippoToken ${token}`) return fail(401, 'Invalid token.');
    const body = request.body === '' ? {} : (JSON.parse(request.body) as Json);
    const [, resource, a, b] = request.path.split('/');
    if (resource === 'shipments' && request.method === 'POST') return createShipment(body);
    if (resource === 'rates' && request.method === 'GET') {
      const rate = rates.get(a ?? '');
      return rate === undefined ? fail(404, 'Not found.') : { status: 200, body: rate };
    }
    if (resource === 'transactions') {
      if (request.method === 'POST') return createTransaction(body);
      if (request.method === 'GET' && a === undefined) {
        const rate = request.query.get('rate');
        const results = [...transactions.values()].filter((t) => rate === null || t.rate === rate);
        return { status: 200, body: { next: null, previous: null, results } };
      }
      const tx = transactions.get(a ?? '');
      return tx === undefined ? fail(404, 'Not found.') : { status: 200, body: tx };
    }
    if (resource === 'refunds' && request.method === 'POST') {
      const tx = transactions.get(String(body.transaction));
      if (tx === undefined || tx.status !== 'SUCCESS') return fail(400, 'Transaction cannot be refunded.');
      const history = tracks.get(String(tx.tracking_number))?.history ?? [];
      const scanned = history.some((h) => h.status !== 'PRE_TRANSIT');
      tx.status = scanned ? 'REFUNDREJECTED' : 'REFUNDPENDING';
      return { status: 201, body: { object_id: id(), object_created: now(), object_updated: now(), object_owner: owner, status: scanned ? 'ERROR' : 'QUEUED', transaction: tx.object_id, test: true } };
    }
    if (resource === 'tracks' && request.method === 'GET') {
      const track = trackBody(decodeURIComponent(b ?? ''));
      if (track === null || track.carrier !== a) return fail(404, 'Tracking number not found.');
      return { status: 200, body: track };
    }
    if (resource === 'addresses' && request.method === 'POST') {
      const ok = typeof body.street1 === 'string' && !/nowhere/i.test(body.street1);
      const up = (v: unknown) => (typeof v === 'string' ? v.toUpperCase() : v);
      return {
        status: 201,
        body: {
          ...body,
          street1: up(body.street1),
          city: up(body.city),
          object_id: id(),
          is_complete: ok,
          validation_results: ok ? { is_valid: true, messages: [] } : { is_valid: false, messages: [{ source: 'USPS', code: 'Unknown Street', type: 'address_error', text: 'City found, but street address not found.' }] },
        },
      };
    }
    return fail(404, 'Not found.');
  }

  const http = await startHttpFake(route);
  return {
    http,
    url: http.url,
    transactions,
    purchases,
    scan,
    webhook(trackingNumber, secret, at = new Date()) {
      const rawBody = JSON.stringify({ event: 'track_updated', test: true, data: trackBody(trackingNumber) });
      const t = Math.floor(at.getTime() / 1000);
      const mac = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex');
      return { rawBody, headers: { 'content-type': 'application/json', 'shippo-auth-signature': `t=${t},v1=${mac}` } };
    },
    serviceOf(transactionId) {
      const rate = rates.get(String(transactions.get(transactionId)?.rate));
      return `${rate?.provider} ${(rate?.servicelevel as { name?: string } | undefined)?.name}`;
    },
    settleRefunds() {
      for (const tx of transactions.values()) if (tx.status === 'REFUNDPENDING') tx.status = 'REFUNDED';
    },
    close: () => http.close(),
  };
}
