// Mounting fulfillkit/http in an Express app. The node adapter is mounted
// before express.json(), so webhook bodies arrive unparsed and verify over
// the exact bytes the carrier or payment provider signed.
import { pathToFileURL } from 'node:url';
import express from 'express';
import type { Fulfillment } from 'fulfillkit';
import { createHttpHandler, problemFromError, toNodeListener } from 'fulfillkit/http';
import { createDemoShop, demoOrder } from './demo-shop.js';

/** The shop's own Express app with fulfillment mounted under `/fulfillment`. */
export function createApp(ff: Fulfillment, token: string): express.Express {
  const app = express();
  app.use('/fulfillment', toNodeListener(createHttpHandler(ff, { token, basePath: '/fulfillment' })));
  // The shop's own routes may parse JSON; the fulfillment routes above never see this parser.
  app.use(express.json());
  app.post('/checkout', async (req, res, next) => {
    try {
      const order = await ff.orders.place(demoOrder(Number(req.body?.n ?? 1)), { idempotencyKey: String(req.body?.cart ?? crypto.randomUUID()) });
      res.status(201).json({ orderId: order.id, status: order.status });
    } catch (err) {
      next(err);
    }
  });
  // The shop's own routes answer errors with the same problem documents as the API.
  app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const problem = problemFromError(err);
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  });
  return app;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const token = process.env.FULFILLKIT_TOKEN ?? `demo-${crypto.randomUUID()}`;
  const { ff } = await createDemoShop();
  createApp(ff, token).listen(3002, '127.0.0.1', () => {
    console.log(`Express shop on http://127.0.0.1:3002/fulfillment/console, token ${token}`);
  });
}
