// A loopback EasyPost v2: shipments with rates, buy, asynchronous refunds,
// trackers, address verification and X-Hmac-Signature webhooks, in EasyPost's
// JSON shapes, refusing an international label without customs_info.
import { createHmac, randomBytes } from 'node:crypto';
import { type FakeRequest, type FakeResponse, type HttpFake, startHttpFake } from './http-fake.js';

interface Detail {
  object: 'TrackingDetail';
  status: string;
  status_detail: string;
  message: string;
  datetime: string;
  tracking_location: { city: string | null; state: string | null; country: string | null };
}

interface Shipment {
  id: string;
  object: 'Shipment';
  reference: string | null;
  to_address: Record<string, unknown>;
  from_address: Record<string, unknown>;
  parcel: Record<string, unknown>;
  customs_info: Record<string, unknown> | null;
  options: Record<string, unknown>;
  rates: Record<string, unknown>[];
  messages: Record<string, unknown>[];
  selected_rate: Record<string, unknown> | null;
  postage_label: Record<string, unknown> | null;
  tracking_code: string | null;
  tracker: { id: string; public_url: string } | null;
  refund_status: string | null;
  created_at: string;
}

export interface EasyPostFake {
  http: HttpFake;
  baseUrl: string;
  shipments: Map<string, Shipment>;
  /** Labels bought, once per purchase: proof of no double purchase. */
  purchases: string[];
  /** Add a scan to a tracker. */
  scan(trackingCode: string, status: string, statusDetail?: string, at?: Date): void;
  /** A `tracker.updated` event for a tracker, signed like EasyPost does. */
  webhook(trackingCode: string, secret: string): { rawBody: string; headers: Record<string, string> };
  /** Settle submitted refunds (EasyPost refunds take days at the carrier). */
  settleRefunds(): void;
  close(): Promise<void>;
}

const SERVICES = [
  { carrier: 'USPS', service: 'GroundAdvantage', rate: 5.5, days: 5 },
  { carrier: 'USPS', service: 'Priority', rate: 8.25, days: 2 },
  { carrier: 'UPS', service: 'NextDayAir', rate: 32.1, days: 1 },
];
const INTERNATIONAL = [
  { carrier: 'USPS', service: 'PriorityMailInternational', rate: 45, days: 6 },
  { carrier: 'DHLExpress', service: 'ExpressWorldwide', rate: 62.4, days: 3 },
];

export async function startEasyPostFake(options: { apiKey?: string } = {}): Promise<EasyPostFake> {
  const apiKey = options.apiKey ?? 'EZTKtest';
  const shipments = new Map<string, Shipment>();
  const trackers = new Map<string, { id: string; tracking_code: string; status: string; tracking_details: Detail[] }>();
  const purchases: string[] = [];
  const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
  const error = (status: number, code: string, message: string, errors: unknown[] = []): FakeResponse => ({ status, body: { error: { code, message, errors } } });

  function create(body: { shipment?: Record<string, unknown> }): FakeResponse {
    const s = body.shipment;
    if (s === undefined || typeof s.to_address !== 'object' || typeof s.from_address !== 'object' || typeof s.parcel !== 'object') {
      return error(422, 'PARAMETER.REQUIRED', 'Missing required parameter.', [{ field: 'shipment', message: 'to_address, from_address and parcel are required' }]);
    }
    const to = s.to_address as Record<string, unknown>;
    const from = s.from_address as Record<string, unknown>;
    const shipment: Shipment = {
      id: id('shp'),
      object: 'Shipment',
      reference: typeof s.reference === 'string' ? s.reference : null,
      to_address: to,
      from_address: from,
      parcel: s.parcel as Record<string, unknown>,
      customs_info: (s.customs_info as Record<string, unknown>) ?? null,
      options: (s.options as Record<string, unknown>) ?? {},
      rates: [],
      messages: [],
      selected_rate: null,
      postage_label: null,
      tracking_code: null,
      tracker: null,
      refund_status: null,
      created_at: new Date().toISOString(),
    };
    if (to.country === 'AQ') {
      shipment.messages.push({ carrier: 'USPS', type: 'rate_error', message: 'Destination country not served' });
    } else {
      const offered = to.country === from.country ? SERVICES : INTERNATIONAL;
      shipment.rates = offered.map((o) => ({
        id: id('rate'),
        object: 'Rate',
        shipment_id: shipment.id,
        carrier: o.carrier,
        service: o.service,
        rate: o.rate.toFixed(2),
        currency: 'USD',
        delivery_days: o.days,
        delivery_date: null,
      }));
    }
    shipments.set(shipment.id, shipment);
    return { status: 201, body: shipment };
  }

  function buy(shipment: Shipment, body: { rate?: { id?: string } }): FakeResponse {
    if (shipment.postage_label !== null) return error(422, 'SHIPMENT.POSTAGE.EXISTS', 'Postage already exists for this shipment.');
    const rate = shipment.rates.find((r) => r.id === body.rate?.id);
    if (rate === undefined) return error(422, 'SHIPMENT.RATE.NOT_FOUND', 'The rate does not belong to this shipment.');
    if (shipment.to_address.country !== shipment.from_address.country) {
      const items = (shipment.customs_info?.customs_items as unknown[] | undefined) ?? [];
      if (shipment.customs_info === null || items.length === 0 || shipment.customs_info.customs_certify !== true) {
        return error(422, 'SHIPMENT.POSTAGE.FAILURE', 'Customs information is required for international shipments.', [{ field: 'customs_info', message: 'cannot be blank' }]);
      }
    }
    const code = `9400${randomBytes(9).toString('hex').replace(/[a-f]/g, (c) => String(c.charCodeAt(0) % 10)).slice(0, 18)}`;
    const format = String(shipment.options.label_format ?? 'PNG');
    const base = `https://easypost-files.example/${shipment.id}`;
    shipment.selected_rate = rate;
    shipment.tracking_code = code;
    shipment.postage_label = {
      object: 'PostageLabel',
      label_date: new Date().toISOString(),
      label_file_type: format === 'ZPL' ? 'application/zpl' : format === 'PDF' ? 'application/pdf' : 'image/png',
      label_url: `${base}.png`,
      ...(format === 'PDF' ? { label_pdf_url: `${base}.pdf` } : {}),
      ...(format === 'ZPL' ? { label_zpl_url: `${base}.zpl` } : {}),
    };
    const tracker = { id: id('trk'), tracking_code: code, status: 'pre_transit', tracking_details: [] as Detail[] };
    trackers.set(code, tracker);
    shipment.tracker = { id: tracker.id, public_url: `https://track.easypost.example/${tracker.id}` };
    scan(code, 'pre_transit', 'label_created');
    purchases.push(shipment.id);
    return { status: 200, body: shipment };
  }

  function scan(trackingCode: string, status: string, statusDetail = status, at = new Date()): void {
    const tracker = trackers.get(trackingCode);
    if (tracker === undefined) throw new Error(`no tracker ${trackingCode}`);
    const last = tracker.tracking_details.at(-1);
    const when = last !== undefined && Date.parse(last.datetime) >= at.getTime() ? new Date(Date.parse(last.datetime) + 60_000) : at;
    tracker.tracking_details.push({
      object: 'TrackingDetail',
      status,
      status_detail: statusDetail,
      message: `${status.replace(/_/g, ' ')} (${statusDetail.replace(/_/g, ' ')})`,
      datetime: when.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      tracking_location: { city: 'SAN FRANCISCO', state: 'CA', country: 'US' },
    });
    tracker.status = status;
  }

  function verify(body: { address?: Record<string, unknown>; verify?: unknown }): FakeResponse {
    const a = body.address ?? {};
    const street = String(a.street1 ?? '');
    const success = street !== '' && !/nowhere/i.test(street);
    const up = (v: unknown) => (typeof v === 'string' ? v.toUpperCase() : v);
    return {
      status: 200,
      body: {
        id: id('adr'),
        object: 'Address',
        ...a,
        street1: up(a.street1),
        city: up(a.city),
        verifications: {
          delivery: success
            ? { success: true, errors: [], details: { latitude: 37.79, longitude: -122.4 } }
            : { success: false, errors: [{ code: 'E.ADDRESS.NOT_FOUND', field: 'address', message: 'Address not found', suggestion: null }], details: null },
        },
      },
    };
  }

  function route(request: FakeRequest): FakeResponse {
    const expected = `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`;
    if (request.headers.authorization !== expected) return error(401, 'APIKEY.INACTIVE', 'The API key provided is not valid.');
    const body = request.body === '' ? {} : JSON.parse(request.body);
    const [, version, resource, second, action] = request.path.split('/');
    if (version !== 'v2') return error(404, 'NOT_FOUND', 'Not found');
    if (resource === 'shipments') {
      if (request.method === 'POST' && second === undefined) return create(body);
      if (request.method === 'GET' && second === undefined) {
        const since = Date.parse(request.query.get('start_datetime') ?? '1970-01-01');
        const purchased = request.query.get('purchased');
        const list = [...shipments.values()]
          .filter((s) => Date.parse(s.created_at) >= since && (purchased !== 'true' || s.postage_label !== null))
          .reverse();
        const size = Number(request.query.get('page_size') ?? 20);
        const before = request.query.get('before_id');
        const start = before === null ? 0 : list.findIndex((s) => s.id === before) + 1;
        const page = list.slice(start, start + size);
        return { status: 200, body: { shipments: page, has_more: start + size < list.length } };
      }
      const shipment = shipments.get(second ?? '');
      if (shipment === undefined) return error(404, 'NOT_FOUND', 'The requested resource could not be found.');
      if (request.method === 'GET' && action === undefined) return { status: 200, body: shipment };
      if (request.method === 'POST' && action === 'buy') return buy(shipment, body);
      if (request.method === 'POST' && action === 'refund') {
        if (shipment.postage_label === null) return error(422, 'SHIPMENT.REFUND.UNAVAILABLE', 'No postage to refund.');
        const tracker = trackers.get(shipment.tracking_code ?? '');
        shipment.refund_status ??= tracker !== undefined && tracker.status !== 'pre_transit' ? 'rejected' : 'submitted';
        return { status: 200, body: shipment };
      }
    }
    if (resource === 'trackers' && request.method === 'GET' && second === undefined) {
      const codes = request.query.getAll('tracking_codes[]');
      return { status: 200, body: { trackers: codes.flatMap((c) => (trackers.has(c) ? [trackers.get(c)] : [])), has_more: false } };
    }
    if (resource === 'addresses' && request.method === 'POST') return verify(body);
    return error(404, 'NOT_FOUND', 'The requested resource could not be found.');
  }

  const http = await startHttpFake(route);
  return {
    http,
    baseUrl: `${http.url}/v2`,
    shipments,
    purchases,
    scan,
    webhook(trackingCode, secret) {
      const tracker = trackers.get(trackingCode);
      const rawBody = JSON.stringify({
        id: `evt_${randomBytes(8).toString('hex')}`,
        object: 'Event',
        mode: 'test',
        description: 'tracker.updated',
        created_at: new Date().toISOString(),
        result: { object: 'Tracker', ...tracker },
      });
      const mac = createHmac('sha256', secret.normalize('NFKD')).update(rawBody).digest('hex');
      return { rawBody, headers: { 'Content-Type': 'application/json', 'X-Hmac-Signature': `hmac-sha256-hex=${mac}` } };
    },
    settleRefunds() {
      for (const s of shipments.values()) if (s.refund_status === 'submitted') s.refund_status = 'refunded';
    },
    close: () => http.close(),
  };
}
