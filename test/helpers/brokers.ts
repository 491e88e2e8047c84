// The NATS and RabbitMQ servers on this machine: reachability, and stopping
// and starting them for the kill-and-restart tests.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Wait until the port is open (or closed). */
export async function waitForPort(port: number, open: boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await portOpen(port)) !== open) {
    if (Date.now() > deadline) throw new Error(`port ${port} did not ${open ? 'open' : 'close'} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Whether a broker must be there (CI), so that its absence fails the run instead of skipping it. */
export function brokersRequired(): boolean {
  return process.env.CI === 'true' || process.env.FULFILLKIT_REQUIRE_BROKERS === '1';
}

/** A local broker the tests may stop and start. */
export interface LocalBroker {
  port: number;
  /** The commands exist here (a machine with the servers installed and root). */
  controllable: boolean;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export const NATS_PORT = 4222;
export const AMQP_PORT = 5672;

export const localNats: LocalBroker = {
  port: NATS_PORT,
  controllable: existsSync('/usr/sbin/nats-server') && existsSync('/sbin/start-stop-daemon') && process.getuid?.() === 0,
  async stop() {
    const { stdout } = await run('pidof', ['nats-server']).catch(() => ({ stdout: '' }));
    for (const pid of stdout.trim().split(/\s+/).filter(Boolean)) process.kill(Number(pid), 'SIGTERM');
    await waitForPort(NATS_PORT, false);
  },
  async start() {
    await run('start-stop-daemon', [
      '--start',
      '--oknodo',
      '--background',
      '--exec',
      '/usr/sbin/nats-server',
      '--',
      '-a',
      '127.0.0.1',
      '-p',
      String(NATS_PORT),
      '-js',
      '-sd',
      '/var/lib/nats-server',
      '-l',
      '/var/log/nats-server.log',
    ]);
    await waitForPort(NATS_PORT, true);
  },
};

export const localRabbit: LocalBroker = {
  port: AMQP_PORT,
  controllable: existsSync('/usr/sbin/rabbitmqctl') && process.getuid?.() === 0,
  async stop() {
    await run('rabbitmqctl', ['stop_app'], { timeout: 60_000 });
    await waitForPort(AMQP_PORT, false);
  },
  async start() {
    await run('rabbitmqctl', ['start_app'], { timeout: 60_000 });
    await waitForPort(AMQP_PORT, true);
  },
};
