// A loopback SMTP server (smtp-server) that parses every message back with
// mailparser, and can answer the next messages with an SMTP error reply.
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  parsed: ParsedMail;
  to: string;
  header(name: string): string | undefined;
}

export interface SmtpFake {
  port: number;
  received: ReceivedMail[];
  /** Answer the next DATA with this reply code (451: try later, 550: refused). */
  failNext(responseCode: number, message?: string): void;
  close(): Promise<void>;
}

export async function startSmtpFake(): Promise<SmtpFake> {
  const received: ReceivedMail[] = [];
  const failures: { responseCode: number; message: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const failure = failures.shift();
      simpleParser(stream).then(
        (parsed) => {
          if (failure !== undefined) {
            callback(Object.assign(new Error(failure.message), { responseCode: failure.responseCode }));
            return;
          }
          const to = session.envelope.rcptTo.map((r) => r.address).join(',');
          received.push({
            parsed,
            to,
            header: (name) => {
              const value = parsed.headers.get(name.toLowerCase());
              return value === undefined ? undefined : String(value);
            },
          });
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    failNext: (responseCode, message = 'injected failure') => failures.push({ responseCode, message }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
